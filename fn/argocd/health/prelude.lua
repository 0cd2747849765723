-- Shared by regprofile's health checks: regprofile prepends it to each
-- check when it writes the argocd-cm keys and the ArgoCD
-- resourceHealthChecks, since each check must stand alone. Argo CD runs
-- checks without Lua's string library (only base, table and a safe os).

-- text is a condition as "Reason: message".
local function text(c)
  local parts = {}
  if c.reason ~= nil and c.reason ~= "" then table.insert(parts, c.reason) end
  if c.message ~= nil and c.message ~= "" then table.insert(parts, c.message) end
  if #parts == 0 then return c.type end
  return table.concat(parts, ": ")
end

-- waiting says why the operator's conditions do not describe the current
-- spec yet (no status, or an older generation observed), or returns nil.
local function waiting(obj)
  if obj.status == nil or obj.status.conditions == nil then
    return "Waiting for the image registry operator to report status"
  end
  local generation = obj.metadata.generation
  local observed = obj.status.observedGeneration
  if generation ~= nil and observed ~= nil and observed < generation then
    return "Waiting for the image registry operator to observe generation " .. generation
  end
  return nil
end
