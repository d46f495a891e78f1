#ifndef URBAN_ROBOT_CMALLOC_SHIM_H
#define URBAN_ROBOT_CMALLOC_SHIM_H

// glibc's malloc extensions (`malloc_trim`), which the Glibc module does not export.
#include <malloc.h>

#endif
