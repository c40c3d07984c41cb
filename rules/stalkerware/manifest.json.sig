spytriage-pack-signature 1
key-id dd4aa63b7d132009
ed25519 JF+/I6U2IEXF+lCDL71q02jVG0Q6X7R/t6ApyHYxHseL7xTffs/H82YNF8ruJCCUy5oB/DF71RqVtr/JvTxABA==
