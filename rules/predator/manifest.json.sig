spytriage-pack-signature 1
key-id dd4aa63b7d132009
ed25519 1jc96V1nN+049c+YD7qYYa2Pu0Ewgf9Xz7wW/6rrR0e/xWgOkrnhfA5aS+0syIy54s29mwp1Zcmw5UECWH8yDw==
