-- Health of imageregistry.operator.openshift.io/ImagePruner from the
-- operator's conditions: Available (the pruning CronJob exists), Scheduled
-- (False while spec.suspend is true), Failed (the last pruning job) and
-- Degraded (SyncError, or JobFailed when the last job failed).
--
-- A suspended pruner is Healthy, not Suspended: Argo CD would wait for a
-- Suspended resource forever at the end of a sync.
local why = waiting(obj)
if why ~= nil then
  return {status = "Progressing", message = why}
end
local available, scheduled
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Degraded" and c.status == "True" then
    return {status = "Degraded", message = text(c)}
  end
  if c.type == "Available" then available = c end
  if c.type == "Scheduled" then scheduled = c end
end
if available == nil then
  return {status = "Progressing", message = "Waiting for the pruning CronJob"}
end
if available.status ~= "True" then
  return {status = "Progressing", message = text(available)}
end
if scheduled ~= nil and scheduled.status == "False" then
  return {status = "Healthy", message = "Pruning is suspended (spec.suspend: true)"}
end
return {status = "Healthy", message = text(available)}
