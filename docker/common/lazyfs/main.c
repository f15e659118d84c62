/* main.c: lazyfs, a pass-through FUSE file system that can simulate a power failure: it forgets
 * every file write since that file's last fsync and every namespace change since its
 * directory's last fsync (see README.md for the exact semantics).
 *
 * Usage: lazyfs [FUSE options] STORE MOUNTPOINT
 * STORE/root holds the files, STORE/trash what removals keep for undo. The control file
 * MOUNTPOINT/.lazyfs-ctl (hidden from listings) takes commands, each finished when write()
 * returns: "power-fail" (lose everything unsynced) and "checkpoint" (call everything synced);
 * reading it returns counters.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include "fs.h"

pthread_mutex_t state_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t power_lock;
int rootfd = -1;
char root_path[PATH_MAX];
int sync_backing;
static unsigned long long n_power_failures, n_checkpoints, n_undo_errors;
static unsigned long n_log_dropped;

void lzlog(const char *fmt, ...)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "lazyfs: ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	va_end(ap);
	size_t len = strlen(buf);
	if (buf[len - 1] != '\n')
		buf[len++] = '\n';
	struct pollfd p = { .fd = 2, .events = POLLOUT };
	if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) && write(2, buf, len) == (ssize_t)len)
		return;
	__atomic_fetch_add(&n_log_dropped, 1, __ATOMIC_RELAXED);
}


/* An O_PATH descriptor of path's parent directory; *base points at the last component. */
int open_parent(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	*base = slash + 1;
	if (slash == path)
		return neg(openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
	char buf[PATH_MAX];
	size_t n = slash - path - 1;
	if (n >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, path + 1, n);
	buf[n] = 0;
	return neg(openat(rootfd, buf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

/* New entries belong to the caller (the daemon runs as root), with the group of a setgid
 * parent, as the kernel would do. */
void own(int pfd, const char *name)
{
	if (geteuid() != 0)
		return;
	struct fuse_context *c = fuse_get_context();
	struct stat parent;
	gid_t gid = c->gid;
	if (fstat(pfd, &parent) == 0 && (parent.st_mode & S_ISGID))
		gid = parent.st_gid;
	fchownat(pfd, name, c->uid, gid, AT_SYMLINK_NOFOLLOW);
}

uint64_t ino_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* ---- control file ---- */

static char *status_text(void)
{
	size_t files, bytes;
	lock();
	data_stats(&files, &bytes);
	size_t pending = ns_pending();
	unlock();
	char *s = NULL;
	if (asprintf(&s, "power_failures=%llu\ncheckpoints=%llu\nunsynced_files=%zu\nsaved_bytes=%zu\n"
			 "pending_namespace_ops=%zu\nundo_errors=%llu\nlog_dropped=%lu\n",
		     n_power_failures, n_checkpoints, files, bytes, pending, n_undo_errors,
		     __atomic_load_n(&n_log_dropped, __ATOMIC_RELAXED)) < 0)
		return NULL;
	return s;
}

int ctl_command(const char *buf, size_t size)
{
	char cmd[64];
	size_t n = size < sizeof cmd - 1 ? size : sizeof cmd - 1;
	memcpy(cmd, buf, n);
	while (n > 0 && (cmd[n - 1] == '\n' || cmd[n - 1] == ' ' || cmd[n - 1] == '\r'))
		n--;
	cmd[n] = 0;
	int power = !strcmp(cmd, "power-fail") || !strcmp(cmd, "lose-unfsynced");
	if (!power && strcmp(cmd, "checkpoint")) {
		lzlog("unknown control command '%s'\n", cmd);
		return -EINVAL;
	}
	pthread_rwlock_wrlock(&power_lock);
	lock();
	int errors = 0;
	size_t files, bytes, pending = ns_pending();
	data_stats(&files, &bytes);
	if (power) {
		errors = data_restore_all(); /* through the records' own descriptors */
		errors += ns_undo_all();     /* then names; this also empties the trash */
		n_power_failures++;
		n_undo_errors += errors;
	} else {
		data_forget_all();
		ns_commit_all();
		n_checkpoints++;
	}
	unlock();
	pthread_rwlock_unlock(&power_lock);
	if (power)
		lzlog("power failure: restored %zu files (%zu saved bytes), undid %zu namespace operations, %d errors\n",
			files, bytes, pending, errors);
	return errors ? -EIO : (int)size;
}

void ctl_stat(struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_ino = 1; /* only reported: the kernel tells files apart by FUSE node ids */
}

/* ---- FUSE operations ---- */

static void *lz_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* No kernel caching of names or attributes: after a power failure the next lookup must see
	 * the restored store. Data pages are dropped on every open (no keep_cache), and with
	 * auto_inval_data whenever a getattr shows the file changed. */
	cfg->use_ino = 1;
	cfg->readdir_ino = 1;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->hard_remove = 1; /* removal goes through our trash, never libfuse's .fuse_hidden files */
	cfg->nullpath_ok = 1;
	cfg->kernel_cache = 0;
	cfg->auto_cache = 0;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE; /* every write must reach us when it happens */
	if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
		conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
	return NULL;
}

int open_ctl(struct fuse_file_info *fi)
{
	struct handle *h = calloc(1, sizeof *h);
	if (!h)
		return -ENOMEM;
	h->fd = -1;
	h->ctl = 1;
	h->text = status_text();
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1; /* not cached: each open reads fresh counters */
	return 0;
}

static const struct fuse_operations ops = {
	.init = lz_init,
	.getattr = lz_getattr,
	.readlink = lz_readlink,
	.mknod = lz_mknod,
	.mkdir = lz_mkdir,
	.unlink = lz_unlink,
	.rmdir = lz_rmdir,
	.symlink = lz_symlink,
	.rename = lz_rename,
	.link = lz_link,
	.chmod = lz_chmod,
	.chown = lz_chown,
	.truncate = lz_truncate,
	.open = lz_open,
	.read = lz_read,
	.write = lz_write,
	.statfs = lz_statfs,
	.flush = lz_flush,
	.release = lz_release,
	.fsync = lz_fsync,
	.setxattr = lz_setxattr,
	.getxattr = lz_getxattr,
	.listxattr = lz_listxattr,
	.removexattr = lz_removexattr,
	.opendir = lz_opendir,
	.readdir = lz_readdir,
	.releasedir = lz_releasedir,
	.fsyncdir = lz_fsyncdir,
	.create = lz_create,
	.utimens = lz_utimens,
	.fallocate = lz_fallocate,
};

/* ---- start-up ---- */

static struct { char *store; int sync_backing; int die_with_parent; int help; } opt;

static const struct fuse_opt opt_spec[] = {
	{ "--sync-backing", offsetof(typeof(opt), sync_backing), 1 },
	{ "sync_backing", offsetof(typeof(opt), sync_backing), 1 },
	{ "--die-with-parent", offsetof(typeof(opt), die_with_parent), 1 },
	{ "-h", offsetof(typeof(opt), help), 1 },
	{ "--help", offsetof(typeof(opt), help), 1 },
	FUSE_OPT_END
};

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *out)
{
	(void)data;
	(void)out;
	if (key == FUSE_OPT_KEY_NONOPT && !opt.store) {
		opt.store = strdup(arg);
		return 0; /* ours, not libfuse's */
	}
	return 1;
}

static int usage(const char *argv0, const char *problem)
{
	if (problem)
		fprintf(stderr, "lazyfs: %s\n", problem);
	fprintf(stderr,
		"usage: %s [-f] [-o FUSE options] [--sync-backing] [--die-with-parent] STORE MOUNTPOINT\n"
		"  STORE/root holds the files (created if missing); STORE/trash is lazyfs's own.\n"
		"  Control: write 'power-fail' or 'checkpoint' to MOUNTPOINT/" CTL_NAME
		", read it for counters.\n"
		"  --sync-backing     also fsync the backing store when the application syncs\n"
		"  --die-with-parent  (with -f) unmount and exit when the parent process dies\n",
		argv0);
	return problem ? 2 : 0;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	if (fuse_opt_parse(&args, &opt, opt_spec, opt_proc) < 0)
		return usage(argv[0], "bad options");
	if (opt.help)
		return usage(argv[0], NULL);
	if (!opt.store)
		return usage(argv[0], "missing STORE and MOUNTPOINT");
	sync_backing = opt.sync_backing;
	/* A harness that starts lazyfs in the foreground and is killed must not leave the mount:
	 * SIGTERM makes libfuse leave its loop and unmount. */
	if (opt.die_with_parent) {
		pid_t parent = getppid();
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			return 1; /* the parent died before we asked */
	}

	char store[PATH_MAX], trash[PATH_MAX + 8];
	if (!realpath(opt.store, store)) {
		fprintf(stderr, "lazyfs: store %s: %s\n", opt.store, strerror(errno));
		return 2;
	}
	if (strlen(store) + sizeof "/trash" > sizeof root_path)
		return usage(argv[0], "STORE path too long");
	snprintf(root_path, sizeof root_path, "%.*s/root", PATH_MAX - 8, store);
	snprintf(trash, sizeof trash, "%s/trash", store);
	mkdir(root_path, 0755);
	mkdir(trash, 0700);
	rootfd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int trashfd = open(trash, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || trashfd < 0) {
		fprintf(stderr, "lazyfs: store %s: %s\n", store, strerror(errno));
		return 2;
	}
	ns_init(trashfd);

	umask(0); /* the kernel already applied the caller's umask to every mode we get */
	struct rlimit rl; /* undo records hold a descriptor per unsynced file */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pthread_rwlockattr_t ra; /* a power failure must not starve behind a busy database */
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&power_lock, &ra);

	char fsname[PATH_MAX + 64];
	snprintf(fsname, sizeof fsname, "-ofsname=lazyfs:%s,subtype=lazyfs,default_permissions", store);
	fuse_opt_add_arg(&args, fsname);
	if (geteuid() == 0)
		fuse_opt_add_arg(&args, "-oallow_other"); /* database users other than root */
	int r = fuse_main(args.argc, args.argv, &ops, NULL);
	fuse_opt_free_args(&args);
	return r;
}
