/*
 * ios_procpath.c - system and suspicious program folders of iOS
 * (ios_procpath.h).
 */
#include <string.h>

#include "collectors/artifacts/ios/ios_procpath.h"

static int under(const char *path, const char *const *dirs)
{
	for (; *dirs; dirs++)
		if (!strncmp(path, *dirs, strlen(*dirs)))
			return 1;
	return 0;
}

int ios_path_is_system(const char *path)
{
	static const char *const dirs[] = { "/System/",
		                            "/usr/",
		                            "/sbin/",
		                            "/bin/",
		                            "/Applications/",
		                            "/Developer/",
		                            "/private/var/containers/Bundle/",
		                            "/var/containers/Bundle/",
		                            "/Library/Apple/",
		                            "/private/preboot/Cryptexes/",
		                            NULL };
	return path && under(path, dirs);
}

int ios_path_is_suspicious(const char *path)
{
	static const char *const dirs[] = { "/private/var/db/",
		                            "/private/var/tmp/",
		                            "/var/db/",
		                            "/var/tmp/",
		                            "/tmp/",
		                            "/private/tmp/",
		                            NULL };
	return path && under(path, dirs);
}
