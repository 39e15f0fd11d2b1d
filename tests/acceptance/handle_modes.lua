-- Every handle acts by its real mode, whatever its origin: a pipe client
-- opened overlapped stays overlapped when it is duplicated, passed to a
-- child, adopted as a literal value or duplicated into an agent, and the
-- I/O commands use the overlapped calls on it (a synchronous
-- TransactNamedPipe on an overlapped handle returns before the reply).
local name = "modes-" .. ipc.pid(ipc.self())
local rounds = 8
-- the server: a child ipcsh that echoes every message back
local echo = {("s = create-pipe %s --mode message; connect $s --timeout 20000"):format(name)}
for _ = 1, rounds do echo[#echo + 1] = "r = read $s --timeout 20000; write $s $r" end
local server = ipc.spawn{ipcsh = table.concat(echo, "; ")}
local c = ipc.open_pipe(name, {wait = 10000})
assert(c:info().mode == "message")


local used = 0
local function round_trip(what, transact, read)
  used = used + 1
  assert(used <= rounds)
  local message = what .. "-" .. used
  local reply = transact(message)
  assert(reply == message, ("%s: transact got %q"):format(what, tostring(reply)))
  if read then
    used = used + 1
    local second = what .. "+" .. used
    read(second)
  end
end

-- created here
round_trip("created", function(m) return c:transact(m) end)
-- duplicated here
local d = c:dup()
round_trip("dup", function(m) return d:transact(m) end, function(m)
  assert(d:write(m) == #m)
  assert(eventually(function() return d:peek().available == #m end, 5000))
  assert(d:read() == m)
end)
-- the same value adopted as a literal
ipc.vars.lit = d.value
round_trip("literal", function(m) return ipc.run(("transact %d %s"):format(d.value, m)) end)
-- passed to an agent (inherited), and used there by variable and by value
local copy = c:dup{inherit = true}
local agent = ipc.spawn{agent = true, pass = {c = copy}}
round_trip("passed", function(m) return agent:run("transact $c " .. m) end)
round_trip("passed-literal", function(m) return agent:run(("transact %d %s"):format(copy.value, m)) end)
-- duplicated into the agent
local into = ipc.dup(c, {to = agent, as = "into"})
round_trip("dup-to", function(m) return agent:run("transact $into " .. m) end, function(m)
  assert(agent:run("write $into " .. m) == #m)
  assert(agent:run("read $into --timeout 5000") == m)
end)
assert(used == rounds, used)
assert(server:wait(10000) == "signaled" and server:exit_code() == 0, tostring(server:exit_code()))
server:close()
agent:close()
copy:close()
d:close()
c:close()
ipc.vars.lit = nil
