/* names.c: lazyfs operations on directories and names (lookups, listings, create, remove,
 * rename, links; directory fsync) and pass-through metadata (modes, owners, times, xattrs).
 * Namespace changes are applied to the store and journalled (journal.c) under state_mutex. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "fs.h"

int lz_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	if ((fi && H(fi)->ctl) || (!fi && is_ctl(path))) {
		ctl_stat(st);
		return 0;
	}
	enter();
	int r = neg(fi ? fstat(H(fi)->fd, st) : fstatat(rootfd, rel(path), st, AT_SYMLINK_NOFOLLOW));
	leave();
	return r;
}

int lz_readlink(const char *path, char *buf, size_t size)
{
	enter();
	ssize_t n = readlinkat(rootfd, rel(path), buf, size - 1);
	leave();
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* Creates an entry with make(), gives a new inode to the caller (a hard link keeps its
 * inode's owner) and journals the entry. */
static int create_entry(const char *path, int (*make)(int pfd, const char *name, void *arg), void *arg,
			int new_inode)
{
	if (is_ctl(path))
		return -EEXIST;
	enter();
	lock();
	const char *base;
	int pfd = open_parent(path, &base);
	int r = pfd < 0 ? pfd : make(pfd, base, arg);
	if (r >= 0) {
		if (new_inode)
			own(pfd, base);
		r = ns_created(pfd, base);
	}
	if (pfd >= 0)
		close(pfd);
	unlock();
	leave();
	return r < 0 ? r : 0;
}

struct node_arg { mode_t mode; dev_t rdev; const char *target; };

static int make_node(int pfd, const char *name, void *a)
{
	struct node_arg *n = a;
	if (S_ISREG(n->mode)) {
		int fd = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, n->mode & 07777);
		if (fd < 0)
			return -errno;
		int r = data_created(fd, ino_of(fd));
		close(fd);
		return r;
	}
	if (S_ISFIFO(n->mode))
		return neg(mkfifoat(pfd, name, n->mode & 07777));
	return neg(mknodat(pfd, name, n->mode, n->rdev));
}

static int make_dir(int pfd, const char *name, void *a)
{
	return neg(mkdirat(pfd, name, ((struct node_arg *)a)->mode));
}

static int make_symlink(int pfd, const char *name, void *a)
{
	return neg(symlinkat(((struct node_arg *)a)->target, pfd, name));
}

int lz_mknod(const char *path, mode_t mode, dev_t rdev)
{
	struct node_arg a = { mode, rdev, NULL };
	return create_entry(path, make_node, &a, 1);
}

int lz_mkdir(const char *path, mode_t mode)
{
	struct node_arg a = { mode, 0, NULL };
	return create_entry(path, make_dir, &a, 1);
}

int lz_symlink(const char *target, const char *path)
{
	struct node_arg a = { 0, 0, target };
	return create_entry(path, make_symlink, &a, 1);
}

static int make_link(int pfd, const char *name, void *from)
{
	const char *base;
	int ofd = open_parent(from, &base);
	if (ofd < 0)
		return ofd;
	int r = neg(linkat(ofd, base, pfd, name, 0));
	close(ofd);
	return r;
}

int lz_link(const char *from, const char *to)
{
	if (is_ctl(from))
		return -EPERM;
	return create_entry(to, make_link, (void *)from, 0);
}

static int remove_entry(const char *path, int dir)
{
	if (is_ctl(path))
		return -EPERM;
	enter();
	lock();
	const char *base;
	int pfd = open_parent(path, &base);
	int r = pfd < 0 ? pfd : ns_remove(pfd, base, dir);
	if (pfd >= 0)
		close(pfd);
	unlock();
	leave();
	return r;
}

int lz_unlink(const char *path) { return remove_entry(path, 0); }
int lz_rmdir(const char *path) { return remove_entry(path, 1); }

/* Appends the inodes of path's parent directory and of all its ancestors to anc. */
static void ancestors(const char *path, uint64_t *anc, size_t *n)
{
	char buf[PATH_MAX];
	struct stat st;
	if (fstatat(rootfd, ".", &st, 0) == 0)
		anc[(*n)++] = st.st_ino;
	const char *last = strrchr(path, '/');
	for (const char *p = strchr(path + 1, '/'); p && p <= last; p = strchr(p + 1, '/')) {
		size_t len = p - path - 1;
		if (len == 0 || len >= sizeof buf)
			continue;
		memcpy(buf, path + 1, len);
		buf[len] = 0;
		if (fstatat(rootfd, buf, &st, AT_SYMLINK_NOFOLLOW) == 0)
			anc[(*n)++] = st.st_ino;
	}
}

int lz_rename(const char *from, const char *to, unsigned int flags)
{
	if (is_ctl(from) || is_ctl(to))
		return -EPERM;
	/* At most one ancestor per '/' in each path, plus the roots. */
	size_t max = 2;
	for (const char *p = from; *p; p++)
		max += *p == '/';
	for (const char *p = to; *p; p++)
		max += *p == '/';
	uint64_t *anc = malloc(max * sizeof *anc);
	if (!anc)
		return -ENOMEM;
	size_t nanc = 0;
	enter();
	lock();
	ancestors(to, anc, &nanc);
	if (flags & RENAME_EXCHANGE)
		ancestors(from, anc, &nanc); /* both sides move into the other's parent */
	const char *b1, *b2;
	int p1 = open_parent(from, &b1), p2 = open_parent(to, &b2);
	int r = p1 < 0 ? p1 : p2 < 0 ? p2 : ns_rename(p1, b1, p2, b2, flags, anc, nanc);
	if (p1 >= 0)
		close(p1);
	if (p2 >= 0)
		close(p2);
	unlock();
	leave();
	free(anc);
	return r;
}

int lz_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if ((fi && H(fi)->ctl) || is_ctl(path))
		return 0;
	enter();
	int r = neg(fi ? fchmod(H(fi)->fd, mode) : fchmodat(rootfd, rel(path), mode, 0));
	leave();
	return r;
}

int lz_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	if ((fi && H(fi)->ctl) || is_ctl(path))
		return 0;
	enter();
	int r = neg(fi ? fchown(H(fi)->fd, uid, gid)
		       : fchownat(rootfd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
	leave();
	return r;
}

int lz_opendir(const char *path, struct fuse_file_info *fi)
{
	enter();
	int fd = openat(rootfd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct handle *h = fd < 0 ? NULL : calloc(1, sizeof *h);
	DIR *d = h ? fdopendir(fd) : NULL;
	int r = 0;
	if (!d) {
		r = fd < 0 || h ? -errno : -ENOMEM;
		if (fd >= 0)
			close(fd);
		free(h);
	} else {
		h->fd = fd;
		h->dir = d;
		h->ino = ino_of(fd);
		fi->fh = (uintptr_t)h;
	}
	leave();
	return r;
}

int lz_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)flags;
	struct handle *h = H(fi);
	int root = path && !strcmp(path, "/");
	enter();
	rewinddir(h->dir); /* all entries at offset 0: libfuse buffers the listing */
	for (struct dirent *e; (e = readdir(h->dir));) {
		if (root && !strcmp(e->d_name, CTL_NAME))
			continue;
		struct stat st = { .st_ino = e->d_ino, .st_mode = DTTOIF(e->d_type) };
		if (fill(buf, e->d_name, &st, 0, 0))
			break;
	}
	leave();
	return 0;
}

int lz_releasedir(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = H(fi);
	closedir(h->dir);
	free(h);
	return 0;
}

int lz_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	struct handle *h = H(fi);
	enter();
	lock();
	ns_sync_dir(h->ino);
	unlock();
	int r = sync_backing ? neg(fsync(h->fd)) : 0;
	leave();
	return r;
}

int lz_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	if ((fi && H(fi)->ctl) || is_ctl(path))
		return 0;
	enter();
	int r = neg(fi ? futimens(H(fi)->fd, tv) : utimensat(rootfd, rel(path), tv, AT_SYMLINK_NOFOLLOW));
	leave();
	return r;
}

/* Extended attributes pass through untracked (metadata, like modes and times). */
static int full_path(char *out, const char *path)
{
	return snprintf(out, PATH_MAX, "%s%s", root_path, path) >= PATH_MAX ? -ENAMETOOLONG : 0;
}

int lz_setxattr(const char *path, const char *name, const char *value, size_t size, int flags)
{
	char p[PATH_MAX];
	int r = full_path(p, path);
	return r ? r : neg(lsetxattr(p, name, value, size, flags));
}

int lz_getxattr(const char *path, const char *name, char *value, size_t size)
{
	char p[PATH_MAX];
	int r = full_path(p, path);
	return r ? r : (int)neg(lgetxattr(p, name, value, size));
}

int lz_listxattr(const char *path, char *list, size_t size)
{
	char p[PATH_MAX];
	int r = full_path(p, path);
	return r ? r : (int)neg(llistxattr(p, list, size));
}

int lz_removexattr(const char *path, const char *name)
{
	char p[PATH_MAX];
	int r = full_path(p, path);
	return r ? r : neg(lremovexattr(p, name));
}
