/*
 * ios_paths.h - device-path globs shared by the iOS artifact modules.
 *
 * Modules select files by the path they had on the device (tr_want.device),
 * whatever the evidence: a backup's collector maps its domains to these
 * paths (collectors/ios_backup/domain_map.c), a full-filesystem dump or a
 * sysdiagnose carries them as they are. App containers are UUID folders on
 * the device and bundle ids in a backup; a '*' covers both.
 */
#ifndef TR_IOS_PATHS_H
#define TR_IOS_PATHS_H

#define IOS_MOBILE "/private/var/mobile/"
/* One app's data container, an app group's container, a plugin's. */
#define IOS_APP_DATA "/private/var/mobile/Containers/Data/Application/*/"
#define IOS_APP_GROUP "/private/var/mobile/Containers/Shared/AppGroup/*/"

/* rel below any home folder: the users' and daemons' homes
 * (/private/var/mobile, /private/var/root, /private/var/wireless, ...) and
 * every app, group, plugin or system container. Three entries. */
#define IOS_ANY_HOME(rel)                                                                          \
	{ "/private/var/*/" rel, NULL }, { "/private/var/mobile/Containers/*/*/*/" rel, NULL },   \
	{                                                                                          \
		"/private/var/containers/*/*/*/" rel, NULL                                         \
	}

#endif
