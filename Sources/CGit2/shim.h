#ifndef URBAN_ROBOT_CGIT2_SHIM_H
#define URBAN_ROBOT_CGIT2_SHIM_H

#include <git2.h>

/// `git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled)`: the option call is
/// variadic, which Swift cannot call directly.
static inline int urban_robot_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

#endif
