package platforms

import "regprofile.dev/regprofile/fn/profile"

// azureIPI is Azure with installer-provisioned infrastructure: the operator
// created a storage account and container at install time and manages
// them. regprofile has no platform for your own storage on public Azure;
// azure-gov is Azure Government's.
var azureIPI = installer{name: "azure-ipi", backend: profile.Azure,
	what: "an Azure storage account and container", byo: "azure-gov (Azure Government)", replicas: 2}
