/*
 * fuzz_android_text.c - the AndroidQF and Intrusion Logging modules
 * (collectors/artifacts/android/: settings, processes, files, mounts,
 * selinux, root_binaries, intrusion_logs, and aqf_stream.c under them)
 * on fuzzed bytes. The first byte of the input picks the file (and so the
 * module and its parser: text lines, JSON elements or NDJSON events); the
 * rest is the file's content, read through a collector of files in
 * fuzz_tmpdir(). Seeds: build/fuzz-seeds/android_text.
 */
#include "fuzz_common.h"

extern const tr_module tr_module_settings;
extern const tr_module tr_module_processes;
extern const tr_module tr_module_files;
extern const tr_module tr_module_mounts;
extern const tr_module tr_module_selinux;
extern const tr_module tr_module_root_binaries;
extern const tr_module tr_module_intrusion_logs;

static const fuzz_target targets[] = {
	{ &tr_module_settings, "/@androidqf/settings_secure.txt" },
	{ &tr_module_processes, "/@androidqf/ps.txt" },
	{ &tr_module_processes, "/@androidqf/processes.json" },
	{ &tr_module_files, "/@androidqf/files.json" },
	{ &tr_module_mounts, "/@androidqf/mounts.json" },
	{ &tr_module_selinux, "/@androidqf/selinux.txt" },
	{ &tr_module_root_binaries, "/@androidqf/root_binaries.json" },
	{ &tr_module_intrusion_logs, "/@intrusion/logs/export.txt" },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_module_targets(targets, NTARGETS, data, size);
}
