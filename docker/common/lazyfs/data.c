/* data.c: undo records for file data written since the file's last fsync.
 *
 * Writes go straight to the backing file (so reads always see them, like the page cache).
 * Before the first change to a block of a file since its last fsync, the block's synced bytes
 * are copied here; the file's size at that fsync is kept too. A power failure writes the saved
 * blocks back and truncates the file to its synced size; an fsync just drops the record.
 * Memory is bounded by the unsynced data: only overwritten or truncated-away synced blocks are
 * saved, never appended data (truncating back removes that).
 *
 * Invariant: for every block of [0, synced_size) that has no saved copy, the backing file
 * still holds the synced bytes. Every path that changes bytes below synced_size (write,
 * shrinking truncate) saves the blocks first, under state_mutex. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lazyfs.h"

#define BLK 4096

struct frec {
	int fd;            /* O_RDWR on the inode itself: restoring works after rename or unlink */
	off_t synced_size;
	struct table blocks; /* block index -> the block's synced bytes */
};

static struct table files; /* backing inode number -> struct frec */
static size_t saved_bytes;

/* A read-write descriptor for the inode behind fd, independent of the caller's handle (which
 * may be read-only, or closed before the power failure). */
static int reopen_rw(int fd)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	int rw = open(p, O_RDWR | O_CLOEXEC);
	if (rw < 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR)
		rw = fcntl(fd, F_DUPFD_CLOEXEC, 0); /* our handles never carry O_APPEND */
	return rw;
}

static struct frec *record(int fd, uint64_t ino, off_t synced_size, int *err)
{
	struct frec *r = table_get(&files, ino);
	if (r)
		return r;
	r = calloc(1, sizeof *r);
	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	r->fd = reopen_rw(fd);
	struct stat st;
	if (r->fd < 0 || (synced_size < 0 && fstat(r->fd, &st) < 0)) {
		*err = -errno;
		if (r->fd >= 0)
			close(r->fd);
		free(r);
		return NULL;
	}
	r->synced_size = synced_size < 0 ? st.st_size : synced_size;
	if ((*err = table_put(&files, ino, r)) < 0) {
		close(r->fd);
		free(r);
		return NULL;
	}
	return r;
}

static void free_record(struct frec *r)
{
	TABLE_EACH(&r->blocks, i) {
		free(r->blocks.vals[i]);
	}
	saved_bytes -= r->blocks.len * (size_t)BLK; /* each saved block is one BLK allocation */
	table_free(&r->blocks);
	close(r->fd);
	free(r);
}

/* Saves the synced bytes of every block overlapping [from, to) ∩ [0, synced_size). */
static int save(struct frec *r, off_t from, off_t to)
{
	if (to > r->synced_size)
		to = r->synced_size;
	for (off_t b = from / BLK; b * BLK < to; b++) {
		if (table_get(&r->blocks, (uint64_t)b))
			continue;
		off_t start = b * BLK;
		size_t n = r->synced_size - start < BLK ? (size_t)(r->synced_size - start) : BLK;
		char *buf = calloc(1, BLK); /* a full block each, so the byte count stays exact */
		if (!buf)
			return -ENOMEM;
		for (size_t got = 0; got < n;) {
			ssize_t k = pread(r->fd, buf + got, n - got, start + got);
			if (k < 0) {
				free(buf);
				return -errno;
			}
			if (k == 0)
				break; /* cannot happen while the invariant holds; zeros then */
			got += k;
		}
		int e = table_put(&r->blocks, (uint64_t)b, buf);
		if (e < 0) {
			free(buf);
			return e;
		}
		saved_bytes += BLK;
	}
	return 0;
}

int data_created(int fd, uint64_t ino)
{
	struct frec *old = table_del(&files, ino);
	if (old)
		free_record(old); /* cannot be: records pin their inode, so its number is not reused */
	int err = 0;
	return record(fd, ino, 0, &err) ? 0 : err;
}

int data_touch(int fd, uint64_t ino)
{
	int err = 0;
	return record(fd, ino, -1, &err) ? 0 : err;
}

int data_before_write(int fd, uint64_t ino, off_t off, size_t len)
{
	int err = 0;
	struct frec *r = record(fd, ino, -1, &err);
	return r ? save(r, off, off + (off_t)len) : err;
}

int data_before_truncate(int fd, uint64_t ino, off_t size)
{
	int err = 0;
	struct frec *r = record(fd, ino, -1, &err);
	return r ? save(r, size, r->synced_size) : err;
}

void data_commit(uint64_t ino)
{
	struct frec *r = table_del(&files, ino);
	if (r)
		free_record(r);
}

/* A file whose last name was durably removed can never come back: forget it (and its fd). */
void data_release_if_unlinked(uint64_t ino)
{
	struct frec *r = table_get(&files, ino);
	struct stat st;
	if (r && fstat(r->fd, &st) == 0 && st.st_nlink == 0)
		data_commit(ino);
}

static int write_all(int fd, const char *buf, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t k = pwrite(fd, buf, n, off);
		if (k < 0)
			return -errno;
		buf += k;
		n -= k;
		off += k;
	}
	return 0;
}

int data_restore_all(void)
{
	int errors = 0;
	TABLE_EACH(&files, i) {
		struct frec *r = files.vals[i];
		TABLE_EACH(&r->blocks, j) {
			off_t start = (off_t)r->blocks.keys[j] * BLK;
			size_t n = r->synced_size - start < BLK ? (size_t)(r->synced_size - start) : BLK;
			int e = write_all(r->fd, r->blocks.vals[j], n, start);
			if (e < 0) {
				lzlog("restoring inode %llu at %lld: %s\n",
					(unsigned long long)files.keys[i], (long long)start, strerror(-e));
				errors++;
			}
		}
		if (ftruncate(r->fd, r->synced_size) < 0) {
			lzlog("truncating inode %llu to %lld: %s\n",
				(unsigned long long)files.keys[i], (long long)r->synced_size, strerror(errno));
			errors++;
		}
	}
	data_forget_all();
	return errors;
}

void data_forget_all(void)
{
	TABLE_EACH(&files, i) {
		free_record(files.vals[i]);
	}
	table_free(&files);
	saved_bytes = 0;
}

void data_stats(size_t *nfiles, size_t *nbytes)
{
	*nfiles = files.len;
	*nbytes = saved_bytes;
}
