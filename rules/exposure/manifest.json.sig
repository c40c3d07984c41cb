spytriage-pack-signature 1
key-id 421638c109cc71ed
ed25519 pLjs1z42v8kgiWT+oAfN6AZBklm3uMO6nOrcWp/45Qrsn2Eai/m1Qc4wHwCmaot+p57z3Jp60Y2KcO58lxFXBA==
