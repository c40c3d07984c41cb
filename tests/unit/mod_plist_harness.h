/*
 * mod_plist_harness.h - plist builders for the artifact-module unit tests
 * (on top of mod_harness.h): serialising plists built with libplist, as
 * the modules find them in files or in database blobs; the indicators of
 * the plist module tests; assertions on their findings.
 *
 * The plist module tests serve their files through the fake collector of
 * mod_harness.h, whose read_open() reads "<dir>/<file id>": write_plist()
 * and write_bytes() write there, make_file() names the file.
 *
 * Static inline, like mod_harness.h: a test that does not use a helper
 * pays nothing.
 */
#ifndef TR_MOD_PLIST_HARNESS_H
#define TR_MOD_PLIST_HARNESS_H

#include "mod_harness.h"

/* Serialises a plist to binary (caller frees with plist_to_bin_free). */
static inline char *to_bin(plist_t p, uint32_t *len)
{
	char *data = NULL;
	*len = 0;
	plist_to_bin(p, &data, len);
	assert_non_null(data);
	return data;
}

/* Mac absolute seconds of 2023-03-15T07:40:12Z / 07:41:10Z. */
#define MAC_0740_12 700558812.0
#define MAC_0741_10 700558870.0

/* Indicators of the idstatuscache, addaily and manifest tests (one
 * collection, "Pegasus"), loaded by load_iocs(). */
static const char *const pegasus_patterns[] = {
	"[email-addr:value='bogaardlisa803@gmail.com']",
	"[process:name='bh']",
	"[file:name='roleaccountd.plist']",
	"[file:path='/private/var/root/Library/Caches/evilstage/']",
	"[domain-name:value='urlpush.net']",
};

static inline void load_iocs(fx *x)
{
	char path[4200],
	        *json = unit_stix_bundle("Pegasus", pegasus_patterns,
	                                 sizeof pegasus_patterns / sizeof pegasus_patterns[0]);
	snprintf(path, sizeof path, "%s/test-iocs.stix2", x->dir);
	unit_write_file(path, json, strlen(json));
	free(json);
	assert_int_equal(tr_load_iocs(x->ctx, path), TR_OK);
}

/* A STIX2 bundle of one malware ("TestSpy") indicated by each pattern
 * (given without the brackets). */
static inline void load_patterns(fx *x, const char *const *patterns, size_t n)
{
	char path[4200], *json, **br = calloc(n ? n : 1, sizeof *br);

	assert_non_null(br);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(patterns[i]) + 3;
		br[i] = malloc(len);
		assert_non_null(br[i]);
		snprintf(br[i], len, "[%s]", patterns[i]);
	}
	json = unit_stix_bundle("TestSpy", (const char *const *)br, n);
	for (size_t i = 0; i < n; i++)
		free(br[i]);
	free(br);
	snprintf(path, sizeof path, "%s/test-iocs.stix2", x->dir);
	unit_write_file(path, json, strlen(json));
	free(json);
	assert_int_equal(tr_load_iocs(x->ctx, path), TR_OK);
}

/* Serialises p as binary or XML (malloc'ed copy in *out). */
static inline size_t plist_bytes(plist_t p, int binary, char **out)
{
	char *data = NULL;
	uint32_t len = 0;

	if (binary)
		plist_to_bin(p, &data, &len);
	else
		plist_to_xml(p, &data, &len);
	assert_non_null(data);
	*out = malloc(len ? len : 1);
	assert_non_null(*out);
	memcpy(*out, data, len);
	if (binary)
		plist_to_bin_free(data);
	else
		plist_to_xml_free(data);
	return len;
}

/* Writes len bytes to "<dir>/<id>". */
static inline void write_bytes(fx *x, const char *id, const void *buf, size_t len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", x->dir, id);
	unit_write_file(path, buf, len);
}

/* Writes p as binary or XML to "<dir>/<id>" and returns its size; p stays
 * the caller's. */
static inline uint64_t write_plist_keep(fx *x, const char *id, plist_t p, int binary)
{
	char *data;
	size_t len = plist_bytes(p, binary, &data);

	write_bytes(x, id, data, len);
	free(data);
	return len;
}

/* Writes p to "<dir>/<id>" and returns its size; frees p. */
static inline uint64_t write_plist(fx *x, const char *id, plist_t p, int binary)
{
	uint64_t len = write_plist_keep(x, id, p, binary);

	plist_free(p);
	return len;
}

/* An indicator finding of the "Pegasus" collection of load_iocs(). */
static inline void check_indicator(const tr_finding *f, const char *module, const char *ioc_type,
                                   const char *ioc_value, const char *how, const char *when)
{
	char t[32];
	assert_int_equal(f->kind, TR_FIND_INDICATOR);
	assert_string_equal(f->module, module);
	assert_string_equal(f->ioc_type, ioc_type);
	assert_string_equal(f->ioc_value, ioc_value);
	assert_string_equal(f->malware, "Pegasus");
	assert_string_equal(f->source, "test-iocs.stix2");
	if (how)
		assert_string_equal(f->how, how);
	assert_string_equal(iso(f->time, t), when);
}

/* Number of findings of that kind. */
static inline size_t count_kind(fx *x, enum tr_finding_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < x->ctx->nfindings; i++)
		n += x->ctx->findings[i].kind == kind;
	return n;
}

/* The one finding of that kind whose heuristic name (TR_FIND_HEURISTIC)
 * or matched field (TR_FIND_INDICATOR) is s; asserts there is exactly one. */
static inline const tr_finding *only_finding(fx *x, enum tr_finding_kind kind, const char *s)
{
	const tr_finding *hit = NULL;
	for (size_t i = 0; i < x->ctx->nfindings; i++) {
		const tr_finding *fd = &x->ctx->findings[i];
		if (fd->kind == kind &&
		    strcmp(kind == TR_FIND_HEURISTIC ? fd->heuristic : fd->field, s) == 0) {
			assert_null(hit);
			hit = fd;
		}
	}
	assert_non_null(hit);
	if (!hit)
		abort(); /* not reached; tells the compiler that no NULL is returned */
	return hit;
}

/* The one heuristic finding of that name (asserts there is exactly one). */
static inline const tr_finding *heuristic(fx *x, const char *name)
{
	return only_finding(x, TR_FIND_HEURISTIC, name);
}

/* The one indicator finding whose field is field (asserts one). */
static inline const tr_finding *indicator(fx *x, const char *field)
{
	return only_finding(x, TR_FIND_INDICATOR, field);
}

#endif
