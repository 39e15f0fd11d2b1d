-- The Lua side reads naturally: shell variables both ways, short methods on
-- every kind, and info that includes each kind's own state.
local tag = "luaapi-" .. ipc.pid(ipc.self())

-- ipc.vars: the shell's variables as Lua values, and back
ipc.run(("w = create-mailslot %s"):format(tag))
local w = ipc.vars.w
assert(w.kind == "mailslot" and w == ipc.run("$w"), tostring(w))
ipc.vars.k = ipc.create_event(nil, {manual = true})
ipc.run("set-event $k")
assert(ipc.vars.k:info().signaled == true)
ipc.run("p = pipe")
assert(ipc.vars.p.read.kind == "pipe" and ipc.vars.p.write.kind == "pipe")
local all = ipc.vars()
assert(all.w == w and all.k ~= nil and all.p.write ~= nil)
ipc.vars.k = nil
assert(ipc.vars.k == nil and ipc.run("vars")[1] ~= nil)
expect_error("not a variable name", function() ipc.vars["no good"] = 1 end)

-- short methods
local ev = ipc.create_event(nil, {manual = true})
ev:set()
assert(ev:info().signaled == true)
ev:reset()
assert(ev:info().signaled == false)
local m = ipc.create_mutex(nil, {owned = true})
assert(m:info().owned_by_us == true)
m:release()
assert(m:info().owned_by_us == false and m:info().signaled == true)
local s = ipc.create_semaphore(nil, {initial = 1, max = 4})
assert(s:release(2) == 1)
local si = s:info()
assert(si.count == 3 and si.max == 4, si.count)
local t = ipc.create_timer(nil, {manual = true})
t:set(20)
assert(t:wait(2000) == "signaled")
t:cancel()
local v = ipc.create_mapping(tag, {size = 4096}):map()
assert(v:write(8, "data") == 4 and v:read(8, 4) == "data")

-- info: the common facts, the chapter's word, and the kind's own state
local slot = ipc.create_mailslot(tag .. "-2", {max_size = 100, timeout = 250})
local i = slot:info()
assert(i.usage_count == 1 and i.handle_count == 1)
assert(i["end"] == "reader" and i.max_size == 100 and i.next_size == nil and i.count == 0 and i.timeout == 250)
assert(ipc.open_mailslot(tag .. "-2"):info()["end"] == "writer")
local server = ipc.create_pipe(tag, {mode = "message", instances = 2})
local pi = server:info()
assert(pi["end"] == "server" and pi.mode == "message" and pi.read_mode == "message" and pi.max_instances == 2, pi.max_instances)
local client = ipc.open_pipe(tag)
assert(client:info()["end"] == "client")
assert(ev:info().manual == true and ipc.create_event():info().manual == false)
local kid = ipc.spawn{ipcsh = "exit 6"}
local ki = kid:info()
assert(ki.pid == kid.pid and ki.parent_pid == ipc.pid(ipc.self()) and ki.image:find("ipcsh.exe", 1, true), ki.image)
kid:wait(10000)
assert(kid:info().exit_code == 6)
local l = ipc.tcp_listen(0)
assert(l:info().listening == true and l:info().port == l.port and l.port > 0)
