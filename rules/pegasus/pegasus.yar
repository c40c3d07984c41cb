/*
 * pegasus.yar - content signatures for traces of NSO Group's Pegasus on iOS
 * that no structured module reads: names of the published Pegasus
 * processes inside file paths, launchd-style property lists and
 * shutdown.log lines, in any artifact (plists, logs, databases, caches).
 *
 * Written for spytriage from published facts (see README.md in this
 * folder): the 81 process names of AmnestyTech/investigations
 * 2021-07-18_nso (processes.txt, the process:name indicators of
 * pegasus.stix2); the staging folder
 * /private/var/db/com.apple.xpc.roleaccountd.staging/ in which Pegasus
 * payloads were staged (a real iOS folder: only entries inside it count);
 * the shutdown.log layout read by Kaspersky's iShutdown.
 *
 * Name lists: ALL = the 81 names, used where the path context is already
 * suspicious; DISTINCT = 66 names, without the generic or Apple-like ones
 * (bh, payload, Diagnosticd, gatekeeperd, MobileSMSd, vm_stats, ...), used
 * where a name has to carry more of the weight.
 *
 * Rules are ordered from the most specific to the least and each excludes
 * the ones before it, so one artifact gives one finding.
 *
 * A name followed by [a-z0-9-] is part of a longer name and does not count
 * (upper case, '_', '.', '/', quotes, '<' and control bytes end a name:
 * in binary plists and SQLite records the next byte is arbitrary).
 */

rule shutdown_log_pegasus_client
{
	meta:
		description = "shutdown.log lists a client still running at reboot whose path under /private/var/db or /private/var/tmp contains a published Pegasus process name"
		reference = "https://github.com/KasperskyLab/iShutdown"
		malware = "Pegasus"
		severity = "high"
	strings:
		$client = /remaining client pid: [0-9]{1,10} \((\/private)?\/var\/(db|tmp)\/([^\/)\r\n]{1,128}\/){0,4}(ABSCarryLog|accountpfd|actmanaged|aggregatenotd|appccntd|bfrgbd|bh|bluetoothfs|boardframed|brfstagingd|brstaged|bundpwrd|cfprefssd|ckeblld|ckkeyrollfd|com\.apple\.Mappit\.SnapshotService|com\.apple\.rapports\.events|CommsCenterRootHelper|comnetd|comsercvd|confinstalld|contextstoremgrd|corecomnetd|ctrlfs|dhcp4d|Diagnostic\-2543|Diagnosticd|Diagnostics\-2543|eventfssd|eventsfssd|eventstorpd|faskeepd|fdlibframed|fmld|fnotifyd|frtipd|fservernetd|gatekeeperd|GoldenGate|gssdp|JarvisPluginMgr|jlmvskrd|keybrd|launchafd|launchrexd|libbmanaged|libtouchregd|llmdwatchd|lobbrogd|locserviced|logseld|misbrigd|mobileargd|MobileSMSd|mptbd|msgacntd|natgd|neagentd|nehelprd|netservcomd|otpgrefd|passsd|payload|pcsd|PDPDialogs|pstid|ReminderIntentsUIExtension|rlaccountd|roleaboutd|roleaccountd|rolexd|seraccountd|setframed|smmsgingd|stagegrad|stagingd|tisppd|updaterd|vm_stats|wifip2ppd|xpccfd)(\/[^)\r\n]{0,128})?\)/
	condition:
		$client
}

rule staging_folder_pegasus_process
{
	meta:
		description = "A path inside /private/var/db/com.apple.xpc.roleaccountd.staging/ names a published Pegasus process; Pegasus payloads were staged in this folder"
		reference = "https://github.com/AmnestyTech/investigations/tree/master/2021-07-18_nso"
		malware = "Pegasus"
		severity = "high"
	strings:
		/* Any listed name right after the folder: the folder itself is
		 * benign, its known-name entries are not. No end boundary here
		 * (see the file header): inside this folder a prefix is enough. */
		$staged = /com\.apple\.xpc\.roleaccountd\.staging\/(ABSCarryLog|accountpfd|actmanaged|aggregatenotd|appccntd|bfrgbd|bh|bluetoothfs|boardframed|brfstagingd|brstaged|bundpwrd|cfprefssd|ckeblld|ckkeyrollfd|com\.apple\.Mappit\.SnapshotService|com\.apple\.rapports\.events|CommsCenterRootHelper|comnetd|comsercvd|confinstalld|contextstoremgrd|corecomnetd|ctrlfs|dhcp4d|Diagnostic\-2543|Diagnosticd|Diagnostics\-2543|eventfssd|eventsfssd|eventstorpd|faskeepd|fdlibframed|fmld|fnotifyd|frtipd|fservernetd|gatekeeperd|GoldenGate|gssdp|JarvisPluginMgr|jlmvskrd|keybrd|launchafd|launchrexd|libbmanaged|libtouchregd|llmdwatchd|lobbrogd|locserviced|logseld|misbrigd|mobileargd|MobileSMSd|mptbd|msgacntd|natgd|neagentd|nehelprd|netservcomd|otpgrefd|passsd|payload|pcsd|PDPDialogs|pstid|ReminderIntentsUIExtension|rlaccountd|roleaboutd|roleaccountd|rolexd|seraccountd|setframed|smmsgingd|stagegrad|stagingd|tisppd|updaterd|vm_stats|wifip2ppd|xpccfd)/ ascii wide
	condition:
		$staged and not shutdown_log_pegasus_client
}

rule var_path_pegasus_process
{
	meta:
		description = "A path under /private/var/db or /private/var/tmp has a published Pegasus process name as a component; Pegasus ran from /private/var/db in the infections Kaspersky and Amnesty described"
		reference = "https://github.com/AmnestyTech/investigations/tree/master/2021-07-18_nso"
		malware = "Pegasus"
		severity = "high"
	strings:
		/* The folder is spelled with case classes on purpose: libyara
		 * then takes its atoms from the names (rare) instead of "/var/"
		 * (in every path) and checks the folder backwards from a hit;
		 * with a literal "/var/db/" this rule is ten times slower on
		 * path-dense files. Upper-case "/VAR/DB/" matching too is
		 * harmless. */
		$path = /\/[vV][aA][rR]\/([dD][bB]|[tT][mM][pP])\/([A-Za-z0-9_.\-]{1,64}\/){0,3}(ABSCarryLog|accountpfd|actmanaged|aggregatenotd|appccntd|bfrgbd|bluetoothfs|boardframed|brfstagingd|brstaged|bundpwrd|cfprefssd|ckeblld|ckkeyrollfd|comnetd|comsercvd|confinstalld|contextstoremgrd|corecomnetd|ctrlfs|Diagnostic\-2543|Diagnostics\-2543|eventfssd|eventsfssd|eventstorpd|faskeepd|fdlibframed|fmld|fnotifyd|frtipd|fservernetd|JarvisPluginMgr|jlmvskrd|keybrd|launchafd|launchrexd|libbmanaged|libtouchregd|llmdwatchd|lobbrogd|locserviced|logseld|misbrigd|mobileargd|mptbd|msgacntd|natgd|neagentd|nehelprd|netservcomd|otpgrefd|passsd|pstid|rlaccountd|roleaboutd|roleaccountd|rolexd|seraccountd|setframed|smmsgingd|stagegrad|stagingd|tisppd|updaterd|wifip2ppd|xpccfd)([^a-z0-9\-]|$)/ ascii wide
	condition:
		$path and not shutdown_log_pegasus_client and not staging_folder_pegasus_process
}

rule launchd_plist_pegasus_process
{
	meta:
		description = "A launchd-style property list (Label, Program or ProgramArguments) names a published Pegasus process, like the roleaccountd.plist Amnesty listed"
		reference = "https://github.com/AmnestyTech/investigations/tree/master/2021-07-18_nso"
		malware = "Pegasus"
		severity = "high"
	strings:
		/* XML plists */
		$xml_label = "<key>Label</key>"
		$xml_prog = "<key>Program</key>"
		$xml_args = "<key>ProgramArguments</key>"
		$xml_name = /<string>([^<>\r\n]{0,256}\/)?(ABSCarryLog|accountpfd|actmanaged|aggregatenotd|appccntd|bfrgbd|bluetoothfs|boardframed|brfstagingd|brstaged|bundpwrd|cfprefssd|ckeblld|ckkeyrollfd|comnetd|comsercvd|confinstalld|contextstoremgrd|corecomnetd|ctrlfs|Diagnostic\-2543|Diagnostics\-2543|eventfssd|eventsfssd|eventstorpd|faskeepd|fdlibframed|fmld|fnotifyd|frtipd|fservernetd|JarvisPluginMgr|jlmvskrd|keybrd|launchafd|launchrexd|libbmanaged|libtouchregd|llmdwatchd|lobbrogd|locserviced|logseld|misbrigd|mobileargd|mptbd|msgacntd|natgd|neagentd|nehelprd|netservcomd|otpgrefd|passsd|pstid|rlaccountd|roleaboutd|roleaccountd|rolexd|seraccountd|setframed|smmsgingd|stagegrad|stagingd|tisppd|updaterd|wifip2ppd|xpccfd)<\/string>/
		/* binary plists: keys and names as bplist00 ASCII string objects
		 * (marker 0x5N with the length in N, or 0x5F 0x10 <length>) */
		$bin_label = "\x55Label"
		$bin_prog = "\x57Program"
		$bin_args = "\x5F\x10\x10ProgramArguments"
		$n00 = "\x5BABSCarryLog"
		$n01 = "\x5Aaccountpfd"
		$n02 = "\x5Aactmanaged"
		$n03 = "\x5Daggregatenotd"
		$n04 = "\x58appccntd"
		$n05 = "\x56bfrgbd"
		$n06 = "\x5Bbluetoothfs"
		$n07 = "\x5Bboardframed"
		$n08 = "\x5Bbrfstagingd"
		$n09 = "\x58brstaged"
		$n10 = "\x58bundpwrd"
		$n11 = "\x59cfprefssd"
		$n12 = "\x57ckeblld"
		$n13 = "\x5Bckkeyrollfd"
		$n14 = "\x57comnetd"
		$n15 = "\x59comsercvd"
		$n16 = "\x5Cconfinstalld"
		$n17 = "\x5F\x10\x10contextstoremgrd"
		$n18 = "\x5Bcorecomnetd"
		$n19 = "\x56ctrlfs"
		$n20 = "\x5F\x10\x0FDiagnostic-2543"
		$n21 = "\x5F\x10\x10Diagnostics-2543"
		$n22 = "\x59eventfssd"
		$n23 = "\x5Aeventsfssd"
		$n24 = "\x5Beventstorpd"
		$n25 = "\x58faskeepd"
		$n26 = "\x5Bfdlibframed"
		$n27 = "\x54fmld"
		$n28 = "\x58fnotifyd"
		$n29 = "\x56frtipd"
		$n30 = "\x5Bfservernetd"
		$n31 = "\x5F\x10\x0FJarvisPluginMgr"
		$n32 = "\x58jlmvskrd"
		$n33 = "\x56keybrd"
		$n34 = "\x59launchafd"
		$n35 = "\x5Alaunchrexd"
		$n36 = "\x5Blibbmanaged"
		$n37 = "\x5Clibtouchregd"
		$n38 = "\x5Allmdwatchd"
		$n39 = "\x58lobbrogd"
		$n40 = "\x5Blocserviced"
		$n41 = "\x57logseld"
		$n42 = "\x58misbrigd"
		$n43 = "\x5Amobileargd"
		$n44 = "\x55mptbd"
		$n45 = "\x58msgacntd"
		$n46 = "\x55natgd"
		$n47 = "\x58neagentd"
		$n48 = "\x58nehelprd"
		$n49 = "\x5Bnetservcomd"
		$n50 = "\x58otpgrefd"
		$n51 = "\x56passsd"
		$n52 = "\x55pstid"
		$n53 = "\x5Arlaccountd"
		$n54 = "\x5Aroleaboutd"
		$n55 = "\x5Croleaccountd"
		$n56 = "\x56rolexd"
		$n57 = "\x5Bseraccountd"
		$n58 = "\x59setframed"
		$n59 = "\x59smmsgingd"
		$n60 = "\x59stagegrad"
		$n61 = "\x58stagingd"
		$n62 = "\x56tisppd"
		$n63 = "\x58updaterd"
		$n64 = "\x59wifip2ppd"
		$n65 = "\x56xpccfd"
	condition:
		not shutdown_log_pegasus_client and not staging_folder_pegasus_process and
		not var_path_pegasus_process and
		(
			(any of ($xml_label, $xml_prog, $xml_args) and $xml_name) or
			(uint32be(0) == 0x62706C69 and any of ($bin_label, $bin_prog, $bin_args) and any of ($n*))
		)
}

rule staging_folder_unknown_entry
{
	meta:
		description = "A path names an entry inside /private/var/db/com.apple.xpc.roleaccountd.staging/ that is not on the published Pegasus list; Pegasus and QuaDream KingSpawn staged binaries in this folder, so check what it is"
		reference = "https://github.com/AmnestyTech/investigations/tree/master/2021-07-18_nso"
		malware = "Pegasus"
		severity = "medium"
	strings:
		/* An entry starts with a lower-case letter or a digit and has at
		 * least three characters: in a binary plist the bare folder path
		 * is followed by the marker of the next object, an upper-case
		 * letter for ASCII strings and data (0x40-0x5F) or a letter and
		 * a NUL for UTF-16 strings (0x60-0x6F). Entries that start with
		 * an upper-case letter are left to the known-name rule. */
		$entry = /com\.apple\.xpc\.roleaccountd\.staging\/[a-z0-9][A-Za-z0-9_.\-]{2}/ ascii wide
	condition:
		$entry and not shutdown_log_pegasus_client and not staging_folder_pegasus_process and
		not var_path_pegasus_process and not launchd_plist_pegasus_process
}
