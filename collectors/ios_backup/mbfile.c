/*
 * mbfile.c - decodes the per-file metadata blob of an iOS backup's
 * Manifest.db (column Files.file): an NSKeyedArchiver archive of an MBFile.
 *
 * Spec: ../shared/docs/ios-backup-format.md 1.8 (MBFile keys), 3.4
 * (NSKeyedArchiver conventions), 3.5 (libplist 2.2 notes).
 *
 *   { $archiver: "NSKeyedArchiver", $version: 100000,
 *     $top: { root: UID(r) }, $objects: [ "$null", ... ] }
 *   $objects[r] = { $class: UID(c), Size, Mode, UserID, GroupID, InodeNumber,
 *                   Birth, LastModified, LastStatusChange (Unix seconds),
 *                   ProtectionClass, Flags, RelativePath: UID -> string,
 *                   Target: UID -> string, EncryptionKey: UID -> {NS.data},
 *                   Digest: UID -> data }
 *   $objects[c] = { $classname: "MBFile", $classes: [...] }
 *
 * Invariants: the root index is followed, never assumed to be 1; every UID
 * is bounds-checked against $objects; UID 0 ("$null") means absent; UIDs may
 * be real PLIST_UID nodes or XML {CF$UID: n} dicts (libplist 2.2 does not
 * convert the latter). Only scalars are read from the MBFile dict, so a
 * hostile archive cannot make us loop: each key is resolved at most one UID
 * deep (plus one more for NS.data / NS.string wrappers).
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/ios_backup/ios_backup.h"

void tr_mbfile_init(tr_mbfile *m)
{
	memset(m, 0, sizeof *m);
	m->btime = m->mtime = m->ctime = TR_NOTIME;
}

void tr_mbfile_clear(tr_mbfile *m)
{
	free(m->relpath);
	free(m->target);
	/* the wrapped key is not secret by itself, but wipe it like the rest of
	 * the key material so it does not linger in freed state */
	memset(m->enckey, 0, sizeof m->enckey);
	tr_mbfile_init(m);
}

int tr_ios_valid_fileid(const char *s)
{
	size_t i;
	if (!s)
		return 0;
	for (i = 0; i < TR_IOS_FILEID_LEN; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return s[i] == '\0';
}

/* $objects[uid of v], or v itself when it is an inline value. NULL for UID 0
 * ($null) and for out-of-range UIDs (*bad set). */
static plist_t deref(plist_t objects, plist_t v, int *bad)
{
	uint64_t idx;
	if (!v)
		return NULL;
	if (tr_plist_uid(v, &idx) != TR_OK)
		return v;
	if (idx == 0)
		return NULL;
	if (idx >= plist_array_get_size(objects)) {
		*bad = 1;
		return NULL;
	}
	return plist_array_get_item(objects, (uint32_t)idx);
}

/* A string object: plain string, or {NS.string: "..."} (NSMutableString). */
static const char *obj_string(plist_t objects, plist_t v, int *bad)
{
	plist_t o = deref(objects, v, bad);
	if (o && plist_get_node_type(o) == PLIST_DICT)
		o = deref(objects, plist_dict_get_item(o, "NS.string"), bad);
	return tr_plist_str(o);
}

/* A data object: plain data, or {NS.data: <data>} (NSData/NSMutableData). */
static const uint8_t *obj_data(plist_t objects, plist_t v, uint64_t *len, int *bad)
{
	plist_t o = deref(objects, v, bad);
	if (o && plist_get_node_type(o) == PLIST_DICT)
		o = deref(objects, plist_dict_get_item(o, "NS.data"), bad);
	if (!o || plist_get_node_type(o) != PLIST_DATA)
		return NULL;
	return (const uint8_t *)plist_get_data_ptr(o, len);
}

static int get_int(plist_t dict, const char *key, int64_t *out)
{
	return tr_plist_int(plist_dict_get_item(dict, key), out) == TR_OK;
}

/* MBFile times are integer Unix seconds; 0 is "not recorded". */
static double get_time(plist_t dict, const char *key)
{
	int64_t v;
	if (!get_int(dict, key, &v) || v == 0)
		return TR_NOTIME;
	return (double)v;
}

int tr_mbfile_decode(tr_ctx *ctx, const uint8_t *blob, size_t len, const char *name, tr_mbfile *m)
{
	plist_t root = NULL;
	int rc, bad = 0;
	int64_t v;

	tr_mbfile_init(m);
	if (len > TR_MAX_MBFILE_BYTES) {
		rc = tr_set_error(ctx, TR_ELIMIT, "%s: MBFile blob of %zu bytes exceeds the limit",
		                  name, len);
		goto out;
	}
	rc = tr_plist_parse(ctx, blob, len, name, &root);
	if (rc != TR_OK)
		goto out;

	if (plist_get_node_type(root) != PLIST_DICT) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: MBFile blob is not a dictionary", name);
		goto out;
	}
	const char *archiver = tr_plist_str(plist_dict_get_item(root, "$archiver"));
	if (!archiver || strcmp(archiver, "NSKeyedArchiver") != 0) {
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: MBFile blob is not an NSKeyedArchiver archive", name);
		goto out;
	}
	plist_t objects = plist_dict_get_item(root, "$objects");
	plist_t top = plist_dict_get_item(root, "$top");
	if (!objects || plist_get_node_type(objects) != PLIST_ARRAY || !top ||
	    plist_get_node_type(top) != PLIST_DICT) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: MBFile archive lacks $objects or $top",
		                  name);
		goto out;
	}
	uint64_t ridx;
	if (tr_plist_uid(plist_dict_get_item(top, "root"), &ridx) != TR_OK || ridx == 0 ||
	    ridx >= plist_array_get_size(objects)) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: MBFile archive has no valid $top.root",
		                  name);
		goto out;
	}
	plist_t obj = plist_array_get_item(objects, (uint32_t)ridx);
	if (!obj || plist_get_node_type(obj) != PLIST_DICT) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: MBFile root object is not a dictionary",
		                  name);
		goto out;
	}
	plist_t cls = deref(objects, plist_dict_get_item(obj, "$class"), &bad);
	const char *cname = cls && plist_get_node_type(cls) == PLIST_DICT
	                            ? tr_plist_str(plist_dict_get_item(cls, "$classname"))
	                            : NULL;
	if (!cname || strcmp(cname, "MBFile") != 0) {
		rc = tr_set_error(ctx, TR_EFORMAT, "%s: archived object is %s%s%s, not MBFile",
		                  name, cname ? "\"" : "", cname ? cname : "of unknown class",
		                  cname ? "\"" : "");
		goto out;
	}

	if (get_int(obj, "Size", &v) && v >= 0) {
		m->size = (uint64_t)v;
		m->has_size = 1;
	}
	if (get_int(obj, "Mode", &v) && v >= 0 && v <= 0xffff) {
		m->mode = (uint32_t)v;
		m->has_mode = 1;
	}
	if (get_int(obj, "UserID", &v)) {
		m->uid = v;
		m->has_uid = 1;
	}
	if (get_int(obj, "GroupID", &v)) {
		m->gid = v;
		m->has_gid = 1;
	}
	if (get_int(obj, "InodeNumber", &v)) {
		m->inode = (uint64_t)v;
		m->has_inode = 1;
	}
	if (get_int(obj, "ProtectionClass", &v) && v >= 0 && v <= 0xffff) {
		m->protection_class = (int)v;
		m->has_pclass = 1;
	}
	if (get_int(obj, "Flags", &v)) {
		m->flags = v;
		m->has_flags = 1;
	}
	m->btime = get_time(obj, "Birth");
	m->mtime = get_time(obj, "LastModified");
	m->ctime = get_time(obj, "LastStatusChange");

	const char *s = obj_string(objects, plist_dict_get_item(obj, "RelativePath"), &bad);
	if (s && !(m->relpath = strdup(s))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
		goto out;
	}
	s = obj_string(objects, plist_dict_get_item(obj, "Target"), &bad);
	if (s && !(m->target = strdup(s))) {
		rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", name);
		goto out;
	}
	uint64_t dlen = 0;
	const uint8_t *d =
	        obj_data(objects, plist_dict_get_item(obj, "EncryptionKey"), &dlen, &bad);
	if (d) {
		m->has_enckey = 1;
		m->enckey_len = (size_t)dlen;
		memcpy(m->enckey, d, dlen < sizeof m->enckey ? (size_t)dlen : sizeof m->enckey);
	}
	d = obj_data(objects, plist_dict_get_item(obj, "Digest"), &dlen, &bad);
	if (d && dlen == sizeof m->digest) {
		memcpy(m->digest, d, sizeof m->digest);
		m->has_digest = 1;
	}
	if (bad) {
		rc = tr_set_error(ctx, TR_EFORMAT,
		                  "%s: MBFile archive has a reference out of range", name);
		goto out;
	}
	rc = TR_OK;
out:
	if (rc != TR_OK)
		tr_mbfile_clear(m);
	if (root)
		plist_free(root);
	return rc;
}
