"""The sandbox: the Docker engine, hardened containers, the firewall and build confinement."""
