package externalsecretsio


// What to fetch, from where, and how to write it.
type ExternalSecretSpec struct {
	// The SecretStore or ClusterSecretStore to read from.
	SecretStoreRef *ExternalSecretSpecSecretStoreRef `field:"required" json:"secretStoreRef" yaml:"secretStoreRef"`
	// One key of the Secret per entry, each read from one remote value.
	Data *[]*ExternalSecretSpecData `field:"optional" json:"data" yaml:"data"`
	// How often the values are read again from the provider, as a Go duration ("1h", "15m");
	//
	// "0s" reads once.
	RefreshInterval *string `field:"optional" json:"refreshInterval" yaml:"refreshInterval"`
	// CreatedOnce, Periodic (the default) or OnChange.
	RefreshPolicy ExternalSecretSpecRefreshPolicy `field:"optional" json:"refreshPolicy" yaml:"refreshPolicy"`
	// The Kubernetes Secret to write.
	Target *ExternalSecretSpecTarget `field:"optional" json:"target" yaml:"target"`
}

