spytriage-pack-signature 1
key-id dd4aa63b7d132009
ed25519 HDmYC0cn1loOSTBiiGliSm8/ugL4nmc4nuXm/T0crL0G0oVKpiDzpa+phJKQbosYAT6hyyfZVz9QM+Q0xUR4DQ==
