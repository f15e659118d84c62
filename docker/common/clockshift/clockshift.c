/* clockshift: runs a program whose wall clock is shifted by an offset read from a file, for
 * programs that libfaketime cannot reach. Go programs (etcd, NATS) read the clock through the
 * vDSO, never through libc, so an LD_PRELOAD library sees nothing. clockshift takes the vDSO
 * away instead, and answers the clock system calls the program then has to make:
 *
 *   1. The child asks to be traced, installs a seccomp filter that hands clock_gettime on the
 *      wall clocks (CLOCK_REALTIME, _COARSE, _ALARM, CLOCK_TAI), gettimeofday and time to a
 *      listener (SECCOMP_RET_USER_NOTIF), passes the listener to us and execs the program.
 *   2. At the exec stop we rewrite the AT_SYSINFO_EHDR entry of the program's auxiliary vector
 *      to AT_IGNORE and detach: neither the Go runtime nor glibc finds a vDSO, and both fall
 *      back to the clock_gettime system call.
 *   3. We answer each notified call with the real time plus the current offset, written into
 *      the caller's memory. Monotonic and CPU clocks go to the kernel untouched, as with
 *      faultline's libfaketime settings: a stepped wall clock, like an NTP step, not a clock
 *      that runs at another rate.
 *
 * Usage: clockshift OFFSET_FILE PROGRAM [ARG...]
 * OFFSET_FILE holds libfaketime's relative form: "+12.5", "-0.250" (seconds); a missing or
 * empty file means no offset. It is re-read at most every 100 ms, so a change applies within
 * that. Signals we receive are passed to the program; we exit as it does. If we die, the
 * program is killed too (PR_SET_PDEATHSIG): without us its clock calls would fail.
 *
 * Not shifted: absolute timers on the wall clock (clock_nanosleep, timerfd, timer_settime
 * with TIMER_ABSTIME on CLOCK_REALTIME), file times the kernel sets. Neither the Go runtime nor
 * the servers we run use wall-clock timers; their timeouts run on the monotonic clock.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH_NR AUDIT_ARCH_X86_64
#define STACK_POINTER(r) ((r).rsp)
#elif defined(__aarch64__)
#define ARCH_NR AUDIT_ARCH_AARCH64
#define STACK_POINTER(r) ((r).sp)
#else
#error "clockshift supports x86_64 and aarch64"
#endif

static const char *offset_file;
static volatile pid_t child;

static void die(const char *what)
{
	fprintf(stderr, "clockshift: %s: %s\n", what, strerror(errno));
	exit(126);
}

/* ---------------------------------------------------------------- the offset */

static pthread_mutex_t offset_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t offset_ns;
static struct timespec offset_read_at;

/* Parses "+S[.frac]" / "-S[.frac]" / "S[.frac]" into nanoseconds; 0 when malformed. */
static int64_t parse_offset(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	int neg = 0;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	int64_t sec = 0, frac = 0, scale = 1000000000;
	for (; *s >= '0' && *s <= '9'; s++)
		sec = sec * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (scale > 1)
				scale /= 10, frac += (*s - '0') * scale;
	int64_t ns = sec * 1000000000 + frac;
	return neg ? -ns : ns;
}

static int64_t current_offset(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&offset_lock);
	int64_t age = (now.tv_sec - offset_read_at.tv_sec) * 1000000000LL + (now.tv_nsec - offset_read_at.tv_nsec);
	if (offset_read_at.tv_sec == 0 || age > 100000000LL) {
		char buf[64] = { 0 };
		int fd = open(offset_file, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof buf - 1);
			close(fd);
			offset_ns = n > 0 ? parse_offset(buf) : 0;
		} else {
			offset_ns = 0;
		}
		offset_read_at = now;
	}
	int64_t off = offset_ns;
	pthread_mutex_unlock(&offset_lock);
	return off;
}

static struct timespec shifted(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	int64_t ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + current_offset();
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	if (ts.tv_nsec < 0)
		ts.tv_nsec += 1000000000LL, ts.tv_sec--;
	return ts;
}

/* ---------------------------------------------------------------- the filter (child side) */

#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define NOTIFY BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF)

static int install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NR, 1, 0),
		ALLOW,
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clock_gettime, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_gettimeofday, 2, 0),
#ifdef SYS_time
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_time, 1, 0),
#else
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 1, 0),
#endif
		ALLOW,
		NOTIFY,
		/* clock_gettime: the wall clocks only (low 32 bits of the clock id). */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CLOCK_REALTIME, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CLOCK_REALTIME_COARSE, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CLOCK_REALTIME_ALARM, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CLOCK_TAI, 1, 0),
		ALLOW,
		NOTIFY,
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("prctl(NO_NEW_PRIVS)");
	int fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		die("seccomp(SET_MODE_FILTER, NEW_LISTENER)");
	return fd;
}

static void send_fd(int sock, int fd)
{
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	memset(&u, 0, sizeof u);
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* ---------------------------------------------------------------- hiding the vDSO (parent side) */

/* The program's memory, opened at the exec stop while we trace it (opening needs ptrace rights;
 * the descriptor stays good after we detach). process_vm_writev would need no descriptor, but
 * Docker's default seccomp profile refuses it without CAP_SYS_PTRACE. */
static int mem_fd = -1;


/* At the exec stop: the stack holds argc, argv..., NULL, envp..., NULL, then the auxv pairs. */
static int hide_vdso(pid_t pid)
{
	struct user_regs_struct regs;
	struct iovec io = { .iov_base = &regs, .iov_len = sizeof regs };
	if (ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &io) != 0)
		return -1;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", pid);
	int mem = open(path, O_RDWR | O_CLOEXEC);
	if (mem < 0)
		return -1;
	uint64_t at = STACK_POINTER(regs), word;
	int found = -1;
	if (pread(mem, &word, 8, at) != 8)
		goto out;
	at += 8 * (1 + word + 1); /* argc, argv[0..argc-1], argv's NULL */
	for (;; at += 8) { /* envp up to its NULL */
		if (pread(mem, &word, 8, at) != 8)
			goto out;
		if (word == 0) {
			at += 8;
			break;
		}
	}
	found = 0;
	for (;; at += 16) {
		uint64_t pair[2];
		if (pread(mem, pair, 16, at) != 16) {
			found = -1;
			break;
		}
		if (pair[0] == AT_NULL)
			break;
		if (pair[0] == AT_SYSINFO_EHDR) {
			uint64_t ignore = AT_IGNORE;
			if (pwrite(mem, &ignore, 8, at) != 8) {
				found = -1;
				break;
			}
			found = 1;
		}
	}
out:
	if (found >= 0)
		mem_fd = mem;
	else
		close(mem);
	return found;
}

/* ---------------------------------------------------------------- answering (parent side) */

static int write_child(pid_t pid, uint64_t addr, const void *data, size_t len)
{
	if (mem_fd >= 0 && pwrite(mem_fd, data, len, (off_t)addr) == (ssize_t)len)
		return 0;
	/* Another thread's view, e.g. after the program exec'd again: the same process's memory. */
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", pid);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -EFAULT;
	ssize_t n = pwrite(fd, data, len, (off_t)addr);
	close(fd);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

static void *answer(void *arg)
{
	int fd = *(int *)arg;
	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
		die("seccomp(GET_NOTIF_SIZES)");
	struct seccomp_notif *req = calloc(1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
	struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
	if (!req || !resp)
		die("calloc");
	for (;;) {
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL; /* the program is gone */
		}
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		int err = 0;
		int64_t val = 0;
		const __u64 *a = req->data.args;
		if (req->data.nr == SYS_clock_gettime) {
			struct timespec ts = shifted((clockid_t)a[0]);
			err = a[1] ? write_child(req->pid, a[1], &ts, sizeof ts) : -EFAULT;
		} else if (req->data.nr == SYS_gettimeofday) {
			struct timespec ts = shifted(CLOCK_REALTIME);
			struct timeval tv = { .tv_sec = ts.tv_sec, .tv_usec = ts.tv_nsec / 1000 };
			struct timezone tz = { 0, 0 };
			if (a[0])
				err = write_child(req->pid, a[0], &tv, sizeof tv);
			if (!err && a[1])
				err = write_child(req->pid, a[1], &tz, sizeof tz);
#ifdef SYS_time
		} else if (req->data.nr == SYS_time) {
			time_t t = shifted(CLOCK_REALTIME).tv_sec;
			val = t;
			if (a[0])
				err = write_child(req->pid, a[0], &t, sizeof t);
#endif
		} else {
			err = -ENOSYS;
		}
		/* The call may have been interrupted (the thread got a signal) while we answered. */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) != 0)
			continue;
		resp->val = err ? 0 : val;
		resp->error = err;
		resp->flags = 0;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT)
			continue;
	}
}

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: clockshift OFFSET_FILE PROGRAM [ARG...]\n");
		return 2;
	}
	offset_file = argv[1];
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		die("socketpair");
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(126);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
			die("ptrace(TRACEME)");
		int fd = install_filter();
		send_fd(sv[1], fd);
		close(fd);
		close(sv[1]);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "clockshift: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	child = pid;
	close(sv[1]);
	int listener = recv_fd(sv[0]);
	close(sv[0]);
	struct sigaction sa = { .sa_handler = forward };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD && s != SIGSEGV && s != SIGBUS && s != SIGFPE && s != SIGILL && s != SIGTRAP)
			sigaction(s, &sa, NULL);
	if (listener >= 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, answer, &listener) != 0)
			die("pthread_create");
		pthread_detach(t);
	}
	int status, traced = 1;
	for (;;) {
		pid_t w = waitpid(pid, &status, 0);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid");
		}
		if (WIFSTOPPED(status)) {
			int sig = WSTOPSIG(status);
			if (traced && sig == SIGTRAP) {
				if (hide_vdso(pid) < 0)
					fprintf(stderr, "clockshift: could not hide the vDSO of %s; its clock is not shifted\n", argv[2]);
				ptrace(PTRACE_DETACH, pid, 0, 0);
				traced = 0;
			} else {
				ptrace(traced ? PTRACE_CONT : PTRACE_DETACH, pid, 0, (void *)(intptr_t)sig);
			}
			continue;
		}
		if (listener < 0) {
			fprintf(stderr, "clockshift: no seccomp listener\n");
			return 126;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status)) {
			signal(WTERMSIG(status), SIG_DFL);
			raise(WTERMSIG(status));
			return 128 + WTERMSIG(status);
		}
	}
}
