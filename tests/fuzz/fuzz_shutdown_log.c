/*
 * fuzz_shutdown_log.c - the iOS log modules of sysdiagnoses and dumps
 * (collectors/artifacts/ios/: shutdown_log, crash_reports for .ips,
 * sysdiag_ps, mc_state) on fuzzed bytes. The first byte of the input
 * picks the file (and so the module); the rest is the file's content,
 * read in small chunks through a collector of files in fuzz_tmpdir().
 * Seeds: build/fuzz-seeds/shutdown_log.
 */
#include "fuzz_common.h"

extern const tr_module tr_module_shutdown_log;
extern const tr_module tr_module_crash_reports;
extern const tr_module tr_module_sysdiag_ps;
extern const tr_module tr_module_mc_state;

static const fuzz_target targets[] = {
	{ &tr_module_shutdown_log, "/private/var/db/diagnostics/shutdown.log" },
	{ &tr_module_crash_reports, "/private/var/mobile/Library/Logs/CrashReporter/x.ips" },
	{ &tr_module_sysdiag_ps, "/@sysdiagnose/ps.txt" },
	{ &tr_module_mc_state, "/@sysdiagnose/logs/MCState/Shared/MCSettingsEvents.plist" },
	{ &tr_module_mc_state, "/@sysdiagnose/logs/MCState/Shared/profile-0.stub" },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_module_targets(targets, NTARGETS, data, size);
}
