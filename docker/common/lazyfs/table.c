/* table.c: a minimal hash table from uint64 keys (inode numbers, block indexes) to pointers,
 * used for lazyfs's per-file and per-block undo state. Linear probing with backward-shift
 * deletion, so there are no tombstones and lookups stay short after many deletes. */
#include <errno.h>
#include <stdlib.h>
#include "lazyfs.h"

static size_t slot(uint64_t k, size_t mask)
{
	/* splitmix64 finaliser: inode numbers and block indexes are sequential, spread them */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return (size_t)k & mask;
}

void *table_get(const struct table *t, uint64_t key)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot(key, t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (!t->vals[i])
			return NULL;
		if (t->keys[i] == key)
			return t->vals[i];
	}
}

static int grow(struct table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 16;
	uint64_t *keys = calloc(cap, sizeof *keys);
	void **vals = calloc(cap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (size_t j = 0; j < t->cap; j++) {
		if (!t->vals[j])
			continue;
		size_t i = slot(t->keys[j], cap - 1);
		while (vals[i])
			i = (i + 1) & (cap - 1);
		keys[i] = t->keys[j];
		vals[i] = t->vals[j];
	}
	free(t->keys);
	free(t->vals);
	t->keys = keys;
	t->vals = vals;
	t->cap = cap;
	return 0;
}

int table_put(struct table *t, uint64_t key, void *val)
{
	if ((t->len + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return -ENOMEM;
	size_t i = slot(key, t->cap - 1);
	while (t->vals[i] && t->keys[i] != key)
		i = (i + 1) & (t->cap - 1);
	if (!t->vals[i])
		t->len++;
	t->keys[i] = key;
	t->vals[i] = val;
	return 0;
}

void *table_del(struct table *t, uint64_t key)
{
	if (!t->cap)
		return NULL;
	size_t mask = t->cap - 1, i = slot(key, mask);
	while (t->vals[i] && t->keys[i] != key)
		i = (i + 1) & mask;
	void *val = t->vals[i];
	if (!val)
		return NULL;
	t->vals[i] = NULL;
	t->len--;
	/* Shift back later entries of the probe run that can no longer be reached past the hole. */
	for (size_t j = (i + 1) & mask; t->vals[j]; j = (j + 1) & mask) {
		size_t h = slot(t->keys[j], mask);
		int reachable = i <= j ? (h > i && h <= j) : (h > i || h <= j);
		if (reachable)
			continue;
		t->keys[i] = t->keys[j];
		t->vals[i] = t->vals[j];
		t->vals[j] = NULL;
		i = j;
	}
	return val;
}

void table_free(struct table *t)
{
	free(t->keys);
	free(t->vals);
	t->keys = NULL;
	t->vals = NULL;
	t->cap = t->len = 0;
}
