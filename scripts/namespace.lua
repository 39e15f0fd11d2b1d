-- Where a name lands: named objects live in the session's
-- \BaseNamedObjects (Local\ says so explicitly; Global\ is the machine-wide
-- \BaseNamedObjects), kinds of kernel object share that directory, and
-- pipes and mailslots live on their own devices.
--
-- Run it: ./ipcsh scripts/namespace.lua
local name = "ns-demo-" .. ipc.self().pid

local function row_of(rows, key, value)
  for _, row in ipairs(rows) do
    if row[key] == value then return row end
  end
end

-- A name in the session's directory, listed with its type.
local ev <close> = ipc.create_event(name)
local listed = row_of(ipc.objects(), "name", name)
print(("objects: %s, type %s"):format(listed.name, listed.type))
assert(listed.type == "Event")

-- The same name for two kinds: an event and a mutex share the directory,
-- so the second create fails; a mailslot lives elsewhere and succeeds.
local ok, err = pcall(ipc.create_mutex, name)
print("create-mutex with the event's name: " .. (ok and "created" or err.name))
assert(not ok and err.name == "ERROR_INVALID_HANDLE")
local slot <close> = ipc.create_mailslot(name)
print("create-mailslot with the same name: created " .. slot.name)
for _, row in ipairs(ipc.where(name)) do
  print(("  %-9s lands at %-45s %s"):format(row.kind, row.lands_at, row.holds_now or ""))
end
assert(row_of(ipc.where(name), "kind", "mailslot").holds_now)

-- Local\ is this session's directory: the same event.
local again <close> = ipc.open_event("Local\\" .. name)
print("open-event Local\\" .. name .. ": " .. again.kind .. " (the same object: usage " .. ev:info().usage_count .. ")")
assert(ev:info().usage_count == 2)
-- Global\ is the machine's: a different directory, no such event there.
local global_ok, global_err = pcall(ipc.open_event, "Global\\" .. name)
print("open-event Global\\" .. name .. ": " .. (global_ok and "opened" or global_err.name))
