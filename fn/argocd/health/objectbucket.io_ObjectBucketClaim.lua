-- Health of objectbucket.io/ObjectBucketClaim (OpenShift Data Foundation's
-- bucket claims, baremetal-odf-rgw), from status.phase: Pending, Bound,
-- Released or Failed. Argo CD ships its own only from 3.3; without one, a
-- claim counts as healthy at once, and the ExternalSecret of the next wave
-- would try to read the claim's keys before the bucket exists.
if obj.status == nil or obj.status.phase == nil then
  return {status = "Progressing", message = "Waiting for the bucket to be provisioned"}
end
local phase = obj.status.phase
if phase == "Bound" then
  return {status = "Healthy", message = "The bucket is bound"}
end
if phase == "Failed" or phase == "Released" then
  return {status = "Degraded", message = "The bucket claim is " .. phase}
end
return {status = "Progressing", message = "The bucket claim is " .. phase}
