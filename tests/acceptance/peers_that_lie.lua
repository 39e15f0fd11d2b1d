-- Peers that die, stall or lie (issue 16): whatever the other side of an
-- agent channel does - hangs up, ends mid-request, floods and dies, sends
-- a malformed, oversized or nonsensical frame, or answers a request never
-- made - the waiting side gets one clear error within 2 s and the shell
-- goes on. Over TCP the peer is tests/peers/fake_agent.lua, which speaks
-- the wire and misbehaves on request; locally it is a real agent that
-- writes the bad bytes into its own channel, or dies.
local wire = dofile("tests/peers/wire.lua")
local exe = assert(ipc.self():info().image, "the shell's own image")

-- os.clock is the C runtime's clock(): on Windows, wall time since start
local function timed(fn, ...)
  local started = os.clock()
  local ok, err = pcall(fn, ...)
  return ok, err, os.clock() - started
end
local function fails_at_once(what, name, pattern, fn, ...)
  local ok, err, took = timed(fn, ...)
  assert(not ok, what .. ": no error")
  assert(type(err) == "table" and err.name == name, what .. ": " .. tostring(err))
  assert(tostring(err):find(pattern, 1, true), what .. ": " .. tostring(err))
  assert(took < 2, ("%s: took %.2f s"):format(what, took))
  return err
end

local fake_port, fake_token
-- A fake agent, and a connection to it that answers as an agent would.
local function fake_agent(claim)
  local out_r, out_w = ipc.pipe{inherit = "write"}
  local fake = ipc.spawn{args = {exe, "tests/peers/fake_agent.lua", claim}, stdout = out_w}
  out_w:close()
  local banner = out_r:read{timeout = 10000}
  out_r:close()
  local port, token = banner:match("listening on 127%.0%.0%.1:(%d+) token (%x+)")
  assert(port, banner)
  fake_port, fake_token = tonumber(port), token
  return fake, function()
    local k = ipc.connect_agent("127.0.0.1", tonumber(port), {token = token})
    assert(k:run("echo hi") == "hi", "the fake speaks the wire")
    return k
  end
end

local fake, connect = fake_agent()

-- every malformed or nonsensical answer: ERROR_INVALID_DATA, saying what
-- was wrong; the channel is closed, so the next request fails at once too
local names = {}
for name in pairs(wire.faults) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do
  local k = connect()
  local err = fails_at_once(name, "ERROR_INVALID_DATA", wire.faults[name][2], k.run, k, name)
  assert(err.code == 13 and err.api == "agent", tostring(err))
  assert(tostring(err):find("broke the agent protocol", 1, true), tostring(err))
  fails_at_once(name .. ", then", "ERROR_INVALID_DATA", wire.faults[name][2], k.run, k, "echo again")
  k:close()
end
assert(#names >= 12)

-- well-formed answers no command gives come back as the data they are
local k = connect()
assert(pcall(k.run, k, "hexdump-empty"))
local h = k:run("handle-bogus")
assert(type(h) == "table" and h.kind == "bogus" and h.value == -5 and h.remote == true, tostring(h))
k:close()
-- ...and a shell lays them out without falling over (`on` takes the rest
-- of the line: one shell each)
for odd, says in pairs{["hexdump-empty"] = "", ["trace-string"] = "trace off", ["handle-bogus"] = "bogus"} do
  local out_r, out_w = ipc.pipe{inherit = "write"}
  local shell = ipc.spawn{ipcsh = ("k = connect-agent 127.0.0.1 %d --token %s; on $k %s"):format(fake_port, fake_token, odd),
                          stdout = out_w, stderr = out_w}
  out_w:close()
  assert(shell:wait(10000) == "signaled", odd)
  local said = out_r:read{timeout = 1000}
  out_r:close()
  assert(shell:exit_code() == 0, odd .. ": " .. said)
  assert(said:find("connect-agent", 1, true) == nil and said:find(says, 1, true), odd .. ": " .. said)
  shell:close()
end

-- hang-ups and stalls
k = connect()
fails_at_once("hang-up", "ERROR_BROKEN_PIPE", "has ended", k.run, k, "hang-up")
k:close()
k = connect()
fails_at_once("half a frame, then a hang-up", "ERROR_BROKEN_PIPE", "has ended", k.run, k, "half-hang-up")
k:close()
k = connect()
local stalled = fails_at_once("stall", "WAIT_TIMEOUT", "did not answer within 300 ms", k.run, k, "stall", {timeout = 300})
-- Windows' text (Wine 8 has none for 258; ipcsh gives Windows' own)
assert(stalled.code == 258 and stalled.message == "The wait operation timed out.", stalled.message)
k:close()
k = connect()
fails_at_once("an answer to a request never made", "WAIT_TIMEOUT", "did not answer within 300 ms", k.run, k,
              "wrong-id", {timeout = 300})
k:close()

-- the peer's process ends mid-request, and mid-stream of output lines
k = connect()
fails_at_once("exit mid-request", "ERROR_BROKEN_PIPE", "has ended", k.run, k, "exit 7")
k:close()
assert(fake:wait(5000) == "signaled" and fake:exit_code() == 7)
fake:close()
fake, connect = fake_agent()
k = connect()
fails_at_once("flood, then exit", "ERROR_BROKEN_PIPE", "has ended", k.run, k, "flood-exit")
k:close()
assert(fake:wait(5000) == "signaled" and fake:exit_code() == 9)
fake:close()

-- Locally: a real agent writes bad framing into its own channel, or
-- closes it; the parent ends the channel, and the agent goes with it.
local function inject(code)
  return ([[lua
    local wire = dofile("tests/peers/wire.lua")
    for _, r in ipairs(ipc.handles{all = true}) do
      if r.name and r.name:find("\\NamedPipe\\ipcsh-", 1, true) then
        local channel = ipc.handle(r.value, "pipe")
        %s
      end
    end
    return "not reached by the parent"]]):format(code)
end
for _, fault in ipairs{"empty-frame", "oversized", "no-id"} do
  local kid = ipc.spawn{agent = true}
  assert(kid:run("echo up") == "up")
  fails_at_once("local " .. fault, "ERROR_INVALID_DATA", wire.faults[fault][2], kid.run, kid,
                inject(("channel:write(wire.faults[%q][1](0))"):format(fault)))
  assert(kid:wait(5000) == "signaled", "the agent ends with its channel")
  kid:close()
end
local kid = ipc.spawn{agent = true}
fails_at_once("local hang-up", "ERROR_BROKEN_PIPE", "has ended", kid.run, kid, inject("channel:close()"))
assert(kid:wait(5000) == "signaled")
kid:close()

-- killed while it streams output lines: the request's answer is an error
-- at once, with the exit code
kid = ipc.spawn{agent = true}
local req = kid:start("lua for i = 1, 1000000 do print(('line %d'):format(i)) end")
ipc.sleep(300)
kid:kill(0xC0000005)
fails_at_once("killed mid-stream", "ERROR_BROKEN_PIPE", "exit code 3221225477", ipc.result, req, {timeout = 5000})
req:close()
kid:close()

-- An intruder opens the agent's private pipe before the agent (suspended
-- here): it is turned away, and the agent still connects.
local before = {}
for _, r in ipairs(ipc.handles{all = true}) do if r.name then before[r.name] = true end end
kid = ipc.spawn{agent = true, suspended = true}
local private
for _, r in ipairs(ipc.handles{all = true}) do
  if r.name and not before[r.name] and r.name:find("\\NamedPipe\\ipcsh-", 1, true) then private = r.name end
end
assert(private, "the agent's private pipe, in our table")
local intruder = ipc.spawn{ipcsh = "open-pipe \\\\.\\pipe\\" .. private:match("ipcsh%-.*") .. " --access in"}
assert(intruder:wait(10000) == "signaled" and intruder:exit_code() == 0, "the intruder got in first")
intruder:close()
kid:resume()
assert(kid:run("echo up", {timeout = 10000}) == "up", "the agent connected after the intruder was turned away")
kid:close()

-- A peer that says it is a process of this computer (here: this very
-- shell) must show it (read a nonce through a handle put into that
-- process); one that cannot is held as remote - no handle to the process
-- it named, so `kill` cannot reach an innocent one.
fake, connect = fake_agent(tostring(ipc.self().pid))
local liar = connect()
assert(liar.pid == ipc.self().pid, "it says it is us")
assert(tostring(liar):find("could not show it: treated as remote", 1, true), tostring(liar))
assert(liar:info().type == "Event", "an event stands in: " .. tostring(liar:info().type))
assert(liar:run("echo still usable") == "still usable")
assert(ipc.pid(liar) == ipc.self().pid and liar:info().remote == true)
local err = expect_error("ERROR_NOT_SUPPORTED", ipc.kill, liar)
assert(tostring(err):find("whose process is not held here", 1, true), tostring(err))
liar:close()
fake:kill(0)
fake:close()
-- a real agent on this computer shows it at once, and is its process
local out_r, out_w = ipc.pipe{inherit = "write"}
local real = ipc.spawn{args = {exe, "--agent-listen", "0"}, stdout = out_w}
out_w:close()
local port, token = out_r:read{timeout = 10000}:match("listening on 127%.0%.0%.1:(%d+) token (%x+)")
out_r:close()
local r = ipc.connect_agent("127.0.0.1", tonumber(port), {token = token})
assert(r:info().type == "Process" and r:info().pid == real.pid, tostring(r))
assert(not tostring(r):find("remote", 1, true), tostring(r))
-- no mapping of the proof is left in it
local left = r:run("lua local n = 0 for _, h in ipairs(ipc.handles{all = true}) do if h.type == 'Section' then n = n + 1 end end return n")
assert(left == 0, ("%d mappings left in the agent"):format(left))
r:close()
assert(real:wait(5000) == "signaled")
real:close()
