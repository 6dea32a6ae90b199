// Creating a child process for a script: clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD), reset
// of signals, process group, credentials, standard descriptors, exec. Internal to notify.
#pragma once

#include <sys/types.h>

#include "stayalived/common/expected.hpp"

namespace stayalived::notify::detail {

/// What the child does before exec. Every pointer must stay valid until spawn_child returns.
struct SpawnRequest {
  const char* path = nullptr;     ///< execve's file name
  char* const* argv = nullptr;    ///< NULL-terminated
  char* const* envp = nullptr;    ///< NULL-terminated
  int stdin_fd = -1;              ///< >= 3, becomes 0
  int stdout_fd = -1;             ///< >= 3, becomes 1
  int stderr_fd = -1;             ///< >= 3, becomes 2
  bool switch_credentials = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// A created child: its pid and a pidfd (O_CLOEXEC) for it.
struct Spawned {
  pid_t pid = -1;
  int pidfd = -1;
};

/// Creates the child and returns once it has exec'd. Fails with the errno of clone, of a
/// step in the child (credentials, descriptors) or of execve; then the child has already
/// been reaped. Blocks signals in the calling thread for the duration (the child must not
/// run our handlers).
Expected<Spawned, int> spawn_child(const SpawnRequest& req);

/// Returns `fd` if it is >= 3, else a CLOEXEC duplicate >= 3 (closing `fd`); -1 on error.
int move_above_stdio(int fd);

}  // namespace stayalived::notify::detail
