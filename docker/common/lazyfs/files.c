/* files.c: lazyfs operations on file data: open, create, read, write, truncate, fsync,
 * fallocate. Before any byte below a file's synced size changes, data.c saves the synced
 * bytes; fsync (or a write through an O_SYNC/O_DSYNC handle) drops them. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "fs.h"

/* Truncates the file open as fd (any mode), saving the synced bytes it would destroy. */
static int truncate_fd(int fd, uint64_t ino, off_t size)
{
	lock();
	int r = data_before_truncate(fd, ino, size);
	unlock();
	if (r < 0)
		return r;
	if (ftruncate(fd, size) == 0)
		return 0;
	/* fd may be read-only (open with O_RDONLY|O_TRUNC): truncate through the inode instead */
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	int w = open(p, O_WRONLY | O_CLOEXEC);
	if (w < 0)
		return -errno;
	r = neg(ftruncate(w, size));
	close(w);
	return r;
}

int lz_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	if ((fi && H(fi)->ctl) || is_ctl(path))
		return 0; /* "echo cmd > .lazyfs-ctl" truncates first */
	enter();
	int r;
	if (fi) {
		r = truncate_fd(H(fi)->fd, H(fi)->ino, size);
	} else {
		int fd = openat(rootfd, rel(path), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		r = fd < 0 ? -errno : truncate_fd(fd, ino_of(fd), size);
		if (fd >= 0)
			close(fd);
	}
	leave();
	return r;
}

/* Flags for the backing descriptor: the kernel already applied O_CREAT/O_EXCL/O_TRUNC and
 * computes append offsets itself; O_DIRECT would demand aligned buffers; O_(D)SYNC only
 * matters to the backing store when we are asked to sync it. */
static int backing_flags(int flags)
{
	flags &= ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_DIRECT);
	if (!sync_backing)
		flags &= ~(O_SYNC | O_DSYNC);
	return flags | O_CLOEXEC;
}

static int finish_open(int fd, struct fuse_file_info *fi)
{
	struct handle *h = calloc(1, sizeof *h);
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = fd;
	h->ino = ino_of(fd);
	h->dsync = (fi->flags & O_DSYNC) != 0; /* O_SYNC includes the O_DSYNC bit */
	if (fi->flags & O_TRUNC) {
		int r = truncate_fd(fd, h->ino, 0);
		if (r < 0) {
			close(fd);
			free(h);
			return r;
		}
	}
	fi->fh = (uintptr_t)h;
	return 0;
}

int lz_open(const char *path, struct fuse_file_info *fi)
{
	if (is_ctl(path))
		return open_ctl(fi);
	enter();
	int fd = openat(rootfd, rel(path), backing_flags(fi->flags));
	int r = fd < 0 ? -errno : finish_open(fd, fi);
	leave();
	return r;
}

int lz_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (is_ctl(path))
		return (fi->flags & O_EXCL) ? -EEXIST : open_ctl(fi);
	enter();
	lock();
	const char *base;
	int pfd = open_parent(path, &base), fd = -1, r = pfd;
	if (pfd >= 0) {
		fd = openat(pfd, base, backing_flags(fi->flags) | O_CREAT | O_EXCL, mode);
		if (fd >= 0) {
			own(pfd, base);
			r = data_created(fd, ino_of(fd));
			if (r >= 0)
				r = ns_created(pfd, base);
		} else if (errno == EEXIST && !(fi->flags & O_EXCL)) {
			fd = openat(pfd, base, backing_flags(fi->flags));
			r = fd < 0 ? -errno : 0;
		} else {
			r = -errno;
		}
		close(pfd);
	}
	unlock();
	if (r >= 0)
		r = finish_open(fd, fi); /* outside the state lock: O_TRUNC takes it */
	else if (fd >= 0)
		close(fd);
	leave();
	return r;
}

int lz_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = H(fi);
	if (h->ctl) {
		size_t len = h->text ? strlen(h->text) : 0;
		if ((size_t)off >= len)
			return 0;
		size_t n = len - off < size ? len - off : size;
		memcpy(buf, h->text + off, n);
		return (int)n;
	}
	enter();
	ssize_t n = pread(h->fd, buf, size, off);
	leave();
	return n < 0 ? -errno : (int)n;
}

int lz_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = H(fi);
	if (h->ctl)
		return ctl_command(buf, size);
	enter();
	lock();
	int r = data_before_write(h->fd, h->ino, off, size);
	unlock();
	ssize_t n = r < 0 ? r : pwrite(h->fd, buf, size, off);
	if (n < 0 && r >= 0)
		n = -errno;
	if (n > 0 && h->dsync) {
		lock();
		data_commit(h->ino);
		unlock();
		if (sync_backing)
			fdatasync(h->fd);
	}
	leave();
	return (int)n;
}

int lz_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	return neg(fstatvfs(rootfd, st));
}

int lz_flush(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	return 0; /* close() promises no durability */
}

int lz_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = H(fi);
	if (h->fd >= 0)
		close(h->fd);
	free(h->text);
	free(h);
	return 0;
}

int lz_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = H(fi);
	if (h->ctl)
		return 0;
	enter();
	lock();
	data_commit(h->ino); /* data and size only: the name needs an fsync of its directory */
	unlock();
	int r = 0;
	if (sync_backing)
		r = neg(datasync ? fdatasync(h->fd) : fsync(h->fd));
	leave();
	return r;
}

int lz_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = H(fi);
	/* Only allocation, which changes no byte of the file; punching or zeroing would need
	 * the old bytes saved first. Without it callers fall back to writing or ftruncate. */
	if (h->ctl || (mode & ~FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	enter();
	lock();
	int r = data_touch(h->fd, h->ino); /* so a size extension is undone */
	unlock();
	if (r == 0)
		r = neg(fallocate(h->fd, mode, off, len));
	leave();
	return r;
}
