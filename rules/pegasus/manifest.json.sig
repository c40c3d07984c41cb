spytriage-pack-signature 1
key-id dd4aa63b7d132009
ed25519 uQW7ADpSZuwihu/M3leVXAAMStKdIyJeZU+Wz/oUtU09siIjuQ16SO5amd35QasP2MmlKTMxEs/lnp3ZMwDrCQ==
