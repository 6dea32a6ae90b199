// The child side runs on a private stack in our address space until it execs (vfork
// semantics), so it may only make raw system calls: no allocation, no locks, no glibc
// wrappers that keep per-process state (glibc's setuid() would signal the parent's threads to
// change their credentials too), no sanitizer instrumentation.
#include "spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace stayalived::notify::detail {

namespace {

// The kernel's struct sigaction for rt_sigaction (x86_64 / generic layout): handler, flags,
// restorer, mask. SIG_DFL is a null handler.
struct KernelSigaction {
  void* handler = nullptr;
  unsigned long flags = 0;
  void* restorer = nullptr;
  std::uint64_t mask = 0;
};
constexpr unsigned long kKernelSigsetBytes = 8;
constexpr int kMaxSignal = 64;

struct ChildContext {
  const SpawnRequest* req;
  volatile int error;
};

[[noreturn]] __attribute__((no_sanitize("address", "undefined"))) void child_fail(ChildContext* ctx,
                                                                                 int err) {
  ctx->error = err != 0 ? err : EINVAL;
  for (;;) ::syscall(SYS_exit_group, 127);
}

__attribute__((no_sanitize("address", "undefined"))) int child_main(void* arg) {
  auto* ctx = static_cast<ChildContext*>(arg);
  const SpawnRequest* r = ctx->req;

  // Default disposition for every signal: ignored ones would survive exec, and until exec a
  // handler of ours must not run here (the parent blocked all signals before clone).
  const KernelSigaction dfl{};
  for (int s = 1; s <= kMaxSignal; ++s) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    ::syscall(SYS_rt_sigaction, s, &dfl, nullptr, kKernelSigsetBytes);
  }
  // Own process group, so a timeout can kill the script and whatever it started.
  if (::syscall(SYS_setpgid, 0, 0) != 0) child_fail(ctx, errno);
  if (r->switch_credentials) {
    const gid_t groups[1] = {r->gid};
    if (::syscall(SYS_setgroups, 1, groups) != 0) child_fail(ctx, errno);
    if (::syscall(SYS_setresgid, r->gid, r->gid, r->gid) != 0) child_fail(ctx, errno);
    if (::syscall(SYS_setresuid, r->uid, r->uid, r->uid) != 0) child_fail(ctx, errno);
  }
  if (::syscall(SYS_dup3, r->stdin_fd, 0, 0) < 0) child_fail(ctx, errno);
  if (::syscall(SYS_dup3, r->stdout_fd, 1, 0) < 0) child_fail(ctx, errno);
  if (::syscall(SYS_dup3, r->stderr_fd, 2, 0) < 0) child_fail(ctx, errno);
  // Nothing else is inherited, whatever a library opened without O_CLOEXEC.
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  const std::uint64_t empty = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, nullptr, kKernelSigsetBytes);
  ::syscall(SYS_execve, r->path, r->argv, r->envp);
  child_fail(ctx, errno);
}

// One child stack per thread, reused: with CLONE_VFORK the child is done with it before
// clone() returns in the parent.
constexpr std::size_t kChildStackSize = 64 * 1024;

void* child_stack_top() {
  thread_local void* top = nullptr;
  if (!top) {
    void* base = ::mmap(nullptr, kChildStackSize, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) return nullptr;
    top = static_cast<char*>(base) + kChildStackSize;
  }
  return top;
}

}  // namespace

int move_above_stdio(int fd) {
  if (fd < 0 || fd >= 3) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

Expected<Spawned, int> spawn_child(const SpawnRequest& req) {
  void* stack = child_stack_top();
  if (!stack) return Unexpected{errno};

  sigset_t all;
  sigset_t old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  ChildContext ctx{&req, 0};
  int pidfd = -1;
  const pid_t pid = ::clone(child_main, stack, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD,
                            &ctx, &pidfd);
  const int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return Unexpected{clone_errno};

  if (ctx.error != 0) {
    // The child exited (127) before or at exec; reap it now (it is already gone or going).
    siginfo_t si{};
    while (::waitid(P_PIDFD, static_cast<id_t>(pidfd), &si, WEXITED) != 0 && errno == EINTR) {
    }
    ::close(pidfd);
    return Unexpected{static_cast<int>(ctx.error)};
  }
  return Spawned{pid, pidfd};
}

}  // namespace stayalived::notify::detail
