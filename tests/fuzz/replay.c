/*
 * replay.c - runs a fuzz harness without libFuzzer (make fuzz-regress):
 * every file named on the command line, and every regular file below every
 * folder named (sorted, recursively), is read whole and passed once to
 * LLVMFuzzerTestOneInput. So saved corpora, crash inputs and generated
 * seeds are replayed by `make test` with the normal compiler, with or
 * without sanitizers (SANITIZE=address,undefined).
 *
 * Prints "<N> inputs" on success; exits 1 when a file cannot be read or a
 * folder named is missing or holds nothing (a replay of nothing would
 * pass silently), 2 on a usage error. A harness that crashes ends the
 * process with the signal or sanitizer report, naming the input first on
 * stderr ("replay: <file>").
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long n_inputs;
static int verbose;

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	if (!fp) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, nc);
			if (!nb) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = nb;
			cap = nc;
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		perror(path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (verbose)
		fprintf(stderr, "replay: %s\n", path);
	/* an exact-size copy, so that ASan sees a read past the input */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	n_inputs++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path, int depth)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return S_ISREG(sb.st_mode) ? replay_file(path) : 0;
	if (depth > 8)
		return 0;
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	if (!d) {
		perror(path);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and .gitkeep-style files */
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nn = realloc(names, nc * sizeof *nn);
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
			cap = nc;
		}
		size_t l = strlen(path) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(l))) {
			rc = -1;
			break;
		}
		snprintf(names[n++], l, "%s/%s", path, e->d_name);
	}
	closedir(d);
	if (rc == 0 && n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && replay_path(names[i], depth + 1) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "-v") == 0) {
		verbose = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (; i < argc; i++) {
		unsigned long before = n_inputs;
		if (replay_path(argv[i], 0) != 0)
			return 1;
		if (n_inputs == before) {
			fprintf(stderr, "replay: %s: no input\n", argv[i]);
			return 1;
		}
	}
	printf("%lu inputs\n", n_inputs);
	return 0;
}
