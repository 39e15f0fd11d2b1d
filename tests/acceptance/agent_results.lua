-- What crosses a process comes back whole: kid:run returns exactly what
-- ipc.run of the same text returns in this process (every value, the same
-- types), a failure raises the same error object with the child's pid, and
-- an agent that dies while we wait for it is an error at once.
local tag = "agentres-" .. ipc.pid(ipc.self())
local kid = ipc.spawn{agent = true}

-- each case: the same text here and in the agent, the same values back
local function same(text, check)
  local here = table.pack(ipc.run(text))
  local there = table.pack(kid:run(text))
  assert(here.n == there.n, ("%s: %d values here, %d there"):format(text, here.n, there.n))
  for i = 1, here.n do
    local a, b = here[i], there[i]
    if type(a) == "userdata" then  -- a handle: there, a record of the agent's handle
      assert(type(b) == "table" and b.remote == true and b.kind == a.kind and b.pid == kid.pid,
             ("%s: value %d is %s there"):format(text, i, tostring(b)))
    else
      assert(math.type(a) == math.type(b) and a == b, ("%s: value %d: %s here, %s there"):format(text, i, tostring(a), tostring(b)))
    end
  end
  if check then check(there) end
  for i = 1, here.n do
    if type(here[i]) == "userdata" then here[i]:close() end
  end
  for name, v in pairs(ipc.vars()) do
    if type(v) == "userdata" and not v.closed then v:close() end
  end
  return there
end

same("lua return 1, 2, 3")
same("lua return 1, nil, 'x', 2.5, true")
local waited = same("w1 = create-event --set; wait $w1", function(v) assert(v[2] == "signaled") end)
same("w2 = create-event --set --manual; wait $w2", function(v) assert(v[2] == "signaled") end)
same("ev3 = create-event --set; ev4 = create-event; wait $ev4 $ev3 --timeout 0")
local status, index = kid:run("ev5 = create-event; ev6 = create-event --set --manual; wait $ev5 $ev6 --timeout 1000")
assert(status == nil or status, "several commands: one value each")
status, index = kid:run("wait $ev5 $ev6 --timeout 1000")
assert(status == "signaled" and index == 2, ("wait: %s %s"):format(tostring(status), tostring(index)))
status, index = kid:run("wait $ev5 --timeout 0")
assert(status == "timeout" and index == nil)
-- pipe: both ends, as locally
local r, w = kid:run("p = pipe")
assert(r.kind == "pipe" and w.kind == "pipe" and r.value ~= w.value and r.remote and w.remote)
assert(r.line:find("read end", 1, true) and w.line:find("write end", 1, true), r.line)
-- a partial message read keeps its "more" (ERROR_MORE_DATA reached the parent)
kid:run(("s = create-pipe %s --mode message; c = open-pipe %s"):format(tag, tag))
assert(kid:run("write $c 0123456789") == 10)
local data, more = kid:run("read $s --max 4")
assert(data == "0123" and more == "more", ("read --max 4: %q %s"):format(tostring(data), tostring(more)))
data, more = kid:run("read $s")
assert(data == "456789" and more == nil)
-- types: integers stay integers, bytes stay strings
local n = kid:run("lua return 7")
assert(math.type(n) == "integer" and n == 7)
assert(kid:run("lua return 'a\\0b'") == "a\0b")

-- the same error object, with the child's pid
local ok, here = pcall(ipc.recv, ipc.handle(0x1234 * 4), {timeout = 0})
local ok2, there = pcall(kid.run, kid, "recv 0x48d0 --timeout 0")
assert(not ok and not ok2)
for _, field in ipairs({"code", "name", "api", "message"}) do
  assert(here[field] == there[field], ("%s: %s here, %s there"):format(field, tostring(here[field]), tostring(there[field])))
end
assert(there.pid == kid.pid and there.note == "" and tostring(there):find("[pid " .. kid.pid .. "]", 1, true),
       tostring(there))

-- $x in the line is the agent's; $^x is ours, put into the text first
ipc.vars.answer = 42
ipc.vars.evname = tag .. " with \"quotes\" and $dollar"
assert(kid:run("lua return $^answer") == 42)
local named = kid:run("create-event $^evname")
assert(named.name == "\\BaseNamedObjects\\" .. ipc.vars.evname or named.name:find(ipc.vars.evname, 1, true), named.name)
local port <close> = ipc.tcp_listen(0)
ipc.vars.port = port
local echoed = kid:run("lua return $^port.port")
assert(echoed == port:info().port, echoed)
-- inside '...' nothing is put in; inside "..." the value is escaped for the quotes
assert(kid:run("lua return '$^answer'") == "$^answer")
local quoted = kid:run("create-event \"x $^evname\"")
assert(quoted.name:find("x " .. ipc.vars.evname, 1, true), quoted.name)
expect_error("no variable $nosuch", function() kid:run("lua return $^nosuch") end)
ipc.vars.answer, ipc.vars.evname, ipc.vars.port = nil, nil, nil

-- a handle passed to the child is described there, by the child
local me = ipc.dup(ipc.self(), {inherit = true})
local k3 = ipc.spawn{agent = true, pass = {me = me}}
local seen = k3:run("$me")
assert(seen.kind == "process" and seen.pid == k3.pid, tostring(seen.pid))
assert(seen.line:find("(parent)", 1, true) and not seen.line:find("this process", 1, true), seen.line)
assert(k3:run("info $me").pid == ipc.pid(ipc.self()))
k3:close()
me:close()

-- an agent that dies in the middle of a request: an error at once
local dying = ipc.spawn{agent = true}
local started = os.clock()
local t0 = os.time()
ok, there = pcall(dying.run, dying, "lua os.exit(3)")
assert(not ok and there.name == "ERROR_BROKEN_PIPE" and tostring(there):find("exit code 3", 1, true), tostring(there))
assert(os.time() - t0 <= 3, "took " .. (os.time() - t0) .. " s")
dying:close()
-- killed before it connected: said at once, not after 30 s
local early = ipc.spawn{agent = true}
early:kill(5)
t0 = os.time()
ok, there = pcall(early.run, early, "echo hi")
assert(not ok and tostring(there):find("before it connected", 1, true) or tostring(there):find("has ended", 1, true),
       tostring(there))
assert(os.time() - t0 <= 3, "took " .. (os.time() - t0) .. " s")
early:close()
-- killed while it runs a request (by another child that holds its handle)
local busy = ipc.spawn{agent = true}
assert(busy:run("lua return 1") == 1)
local copy = ipc.dup(busy, {inherit = true})
local killer = ipc.spawn{ipcsh = "sleep 500; kill $b 9", pass = {b = copy}}
copy:close()
t0 = os.time()
ok, there = pcall(busy.run, busy, "sleep 20000")
assert(not ok and there.name == "ERROR_BROKEN_PIPE" and tostring(there):find("exit code 9", 1, true), tostring(there))
assert(os.time() - t0 <= 5, "took " .. (os.time() - t0) .. " s")
assert(killer:wait(5000) == "signaled")
killer:close()
busy:close()
kid:close()
