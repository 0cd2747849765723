package platforms

import (
	"regprofile.dev/regprofile/internal/operator"
)

// azureIPI is Azure with installer-provisioned infrastructure: the operator
// created a storage account and container at install time and manages
// them. Bringing your own storage instead is azure-upi (public Azure) or
// azure-gov (Azure Government).
var azureIPI = &installer{name: "azure-ipi", backend: operator.Azure,
	what: "an Azure storage account and container", byo: "azure-upi (or azure-gov on Azure Government)", replicas: 2,
	doc: "Azure, installer-provisioned: the storage account and container the operator created at install time; the profile sets no storage (docs/adopt.md)."}
