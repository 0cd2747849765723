-- Health of imageregistry.operator.openshift.io/Config, the registry, from
-- the operator's conditions: Available, Progressing, Degraded and Removed.
--
-- Suspended is never returned: Argo CD waits for every resource of a sync
-- wave to be Healthy before the next wave, and a Suspended resource would
-- hold the sync forever. A registry removed on purpose
-- (managementState: Removed) is therefore Healthy, with a message saying so.
local why = waiting(obj)
if why ~= nil then
  return {status = "Progressing", message = why}
end
local available, progressing, removed
for _, c in ipairs(obj.status.conditions) do
  -- The operator holds Degraded back for a minute of unavailability, so it
  -- is not a blip.
  if c.type == "Degraded" and c.status == "True" then
    return {status = "Degraded", message = text(c)}
  end
  if c.type == "Available" then available = c end
  if c.type == "Progressing" then progressing = c end
  if c.type == "Removed" then removed = c end
end
if progressing ~= nil and progressing.status == "True" then
  return {status = "Progressing", message = text(progressing)}
end
if removed ~= nil and removed.status == "True" then
  return {status = "Healthy", message = "The registry is removed (managementState: Removed)"}
end
if available ~= nil and available.status == "True" then
  return {status = "Healthy", message = text(available)}
end
if available ~= nil then
  return {status = "Progressing", message = text(available)}
end
return {status = "Progressing", message = "Waiting for the registry to become available"}
