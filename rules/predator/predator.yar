/*
 * predator.yar - content signatures for traces of Cytrox/Intellexa Predator
 * in any artifact (plists, logs, databases, caches) of an iOS or Android
 * device.
 *
 * Written for spytriage from published facts (see README.md in this
 * folder): the file:path indicators of cytrox.stix2
 * (AmnestyTech/investigations 2021-12-16_cytrox) and predator.stix2
 * (mvt-project/mvt-indicators intellexa_predator). On iOS, Predator ran
 * from /private/var/tmp/; some names copy real Apple processes
 * (UserEventAgent, com.apple.WebKit.Networking), so the folder is what
 * makes them suspicious: the rules match the full path, never a bare name.
 *
 * A name followed by [a-z0-9-] is part of a longer name and does not count
 * (see rules/pegasus/pegasus.yar for why other bytes end a name).
 */

rule ios_var_tmp_artifact
{
	meta:
		description = "A path names a published Predator file under /private/var/tmp/ (hooker, takePhoto, helper.sock, kusama.txt, etherium.txt, l/, or an Apple process name copied there)"
		reference = "https://github.com/mvt-project/mvt-indicators/tree/main/intellexa_predator"
		malware = "Predator"
		severity = "high"
	strings:
		$var_tmp = /\/private\/var\/tmp\/(hooker|takePhoto|helper\.sock|kusama\.txt|etherium\.txt|UserEventAgent|com\.apple\.WebKit\.Networking)([^a-z0-9\-]|$)/ ascii wide
		$var_tmp_l = "/private/var/tmp/l/" ascii wide
		/* the same two text files were also published under /tmp */
		$tmp_txt = /\/tmp\/(kusama|etherium)\.txt([^a-z0-9\-]|$)/ ascii wide
	condition:
		any of them
}

rule android_working_folder
{
	meta:
		description = "A path names Predator's Android working folder /data/local/tmp/wd/ with its fs.db database or pred.so module"
		reference = "https://github.com/AmnestyTech/investigations/tree/master/2021-12-16_cytrox"
		malware = "Predator"
		severity = "high"
	strings:
		$wd = /\/data\/local\/tmp\/wd\/(fs\.db|pred\.so)([^a-z0-9\-]|$)/ ascii wide
	condition:
		$wd
}
