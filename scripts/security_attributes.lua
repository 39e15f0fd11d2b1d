-- The create call's first argument, LPSECURITY_ATTRIBUTES, four ways:
-- NULL (the creator's default), inheritable (bInheritHandle = TRUE), a
-- descriptor whose DACL refuses a second opener, and a child refused and
-- then allowed once the DACL changes.
--
-- Run it: ./ipcsh scripts/security_attributes.lua
local tag = "sa-demo-" .. ipc.self().pid

-- 1. NULL: the default descriptor (on Windows, from the token's default
-- DACL; Wine gives the object none, which lets everyone in).
local plain <close> = ipc.create_event(tag .. "-plain")
print("NULL:         " .. (ipc.security(plain).sddl ~= "" and ipc.security(plain).sddl or "(an empty descriptor)"))

-- 2. bInheritHandle = TRUE: a child started with --inherit gets the handle.
local inheritable <close> = ipc.create_event(tag .. "-inherit", {inherit = true})
print("inheritable:  inherit flag " .. tostring(inheritable.inherit))
assert(inheritable.inherit)

-- 3. A DACL: everyone may wait on it and query it, nobody may set it.
local guarded <close> = ipc.create_event(tag .. "-guarded", {sddl = "D:(A;;GR;;;WD)"})
local sd = ipc.security(guarded)
print("a DACL:       " .. sd.sddl)
for _, ace in ipairs(sd.aces) do print("              " .. ace.line) end
local ok, err = pcall(ipc.open_event, tag .. "-guarded")  -- asks for EVENT_ALL_ACCESS
print("second opener, all access: " .. (ok and "opened" or err.name))
assert(not ok and err.name == "ERROR_ACCESS_DENIED")
local reader <close> = ipc.open_event(tag .. "-guarded", {access = "EVENT_QUERY_STATE"})
print("second opener, EVENT_QUERY_STATE: opened " .. reader.kind)
local answer = ipc.access_check(guarded, {access = "EVENT_MODIFY_STATE"})
print("access-check EVENT_MODIFY_STATE: " .. (answer.granted and "granted" or "denied") .. ", " .. answer.decided_by)
assert(answer.granted == false)

-- 4. A child: refused while the DACL says so, allowed after set-security.
local child = ipc.spawn{agent = true}
local refused, why = pcall(ipc.on, child, "open-event " .. tag .. "-guarded")
print("child, before: " .. (refused and "opened" or why.name))
assert(not refused and why.name == "ERROR_ACCESS_DENIED")
ipc.set_security(guarded, "D:(A;;GA;;;WD)")
local there = ipc.on(child, "open-event " .. tag .. "-guarded")
print("child, after set-security D:(A;;GA;;;WD): opened " .. there.kind)
assert(there.kind == "event")
child:close()
