#ifndef URBAN_ROBOT_CGIT2_SHIM_H
#define URBAN_ROBOT_CGIT2_SHIM_H

#include <git2.h>

#endif
