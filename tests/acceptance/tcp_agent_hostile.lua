-- `ipcsh --agent-listen` before the token: a peer that dribbles is cut off
-- at the handshake's deadline and never holds up the real parent, an
-- oversized frame length before the token is refused at once, a wrong token
-- is refused; after the token, a bind of a value the agent does not hold,
-- or of the wrong kind, is refused with a clear error.
local function le32(n) return string.pack("<I4", n) end
local function str(s) return le32(#s) .. s end
local function frame(body) return le32(#body) .. body end

-- the agent, its banner and its stderr through our pipes
local exe = assert(ipc.self():info().image, "the shell's own image")
local out_r, out_w = ipc.pipe{inherit = "write"}
local err_r, err_w = ipc.pipe{inherit = "write"}
local agent = ipc.spawn{args = {exe, "--agent-listen", "0"}, stdout = out_w, stderr = err_w}
out_w:close()
err_w:close()
local banner = out_r:read{timeout = 10000}
local port, token = banner:match("listening on 127%.0%.0%.1:(%d+) token (%x+)")
assert(port and #token == 32, banner)
port = tonumber(port)

-- Whether the agent hung up on `sock` within `ms` (recv gives "" or fails
-- with anything but a timeout).
local function hung_up(sock, ms)
  local ok, got = pcall(sock.recv, sock, {timeout = ms})
  if ok then return got == "" end
  return got.code ~= 10060
end

-- an oversized length before the token: refused at once
local big <close> = ipc.tcp_connect("127.0.0.1", port)
big:send(le32(64 << 20))
assert(hung_up(big, 5000), "a 64 MB pre-auth frame length is refused")
assert(err_r:read{timeout = 5000}:find("declared a 67108864-byte frame before the token", 1, true))

-- a wrong token: refused
local liar <close> = ipc.tcp_connect("127.0.0.1", port)
liar:send(frame("H" .. str(string.rep("0", 32))))
assert(hung_up(liar, 5000), "a wrong token is refused")
assert(err_r:read{timeout = 5000}:find("a wrong token", 1, true))

-- slowloris: one byte every 300 ms of a well-formed hello; the handshake's
-- deadline (3 s) cuts it off although bytes keep coming
local hello = frame("H" .. str(token))
local slow <close> = ipc.tcp_connect("127.0.0.1", port)
local started = os.time()
local cut = false
for i = 1, #hello - 1 do  -- never the last byte
  local ok = pcall(slow.send, slow, hello:sub(i, i))
  if not ok or hung_up(slow, 300) then
    cut = true
    break
  end
end
local took = os.time() - started
assert(cut, "a dribbling peer is cut off")
assert(took <= 8, ("cut off after %d s"):format(took))
assert(err_r:read{timeout = 5000}:find("no token within 3000 ms", 1, true))

-- a silent peer does not hold up the real parent, which is served at once
local silent <close> = ipc.tcp_connect("127.0.0.1", port)
local parent <close> = ipc.tcp_connect("127.0.0.1", port)
parent:send(hello)
local buffer = ""
local function next_frame()
  for _ = 1, 50 do
    if #buffer >= 4 then
      local n = string.unpack("<I4", buffer)
      if #buffer >= 4 + n then
        local f = buffer:sub(5, 4 + n)
        buffer = buffer:sub(5 + n)
        if f:sub(1, 1) ~= "O" then return f end  -- output frames: not what we wait for
        goto again
      end
    end
    do
      local got = parent:recv{timeout = 5000}
      assert(got ~= "", "the agent hung up")
      buffer = buffer .. got
    end
    ::again::
  end
  error("no frame")
end
assert(next_frame():sub(1, 1) == "H", "the agent says hello to the parent with the token")

-- an event there, and its value
parent:send(frame("R" .. le32(1) .. str("e = create-event")))
local reply = next_frame()
assert(reply:sub(1, 1) == "V", reply)
local event = string.unpack("<i8", (assert(reply:match("\6(........)\5\0\0\0event"), "a handle in the reply")))

local function bind(id, value, kind)
  parent:send(frame("B" .. le32(id) .. str("x") .. string.pack("<i8", value) .. str(kind) .. str("") .. str("")))
  return next_frame()
end
reply = bind(2, 0x3ff0, "event")
assert(reply:sub(1, 1) == "F" and reply:find("x: 0x3ff0 is not a handle this process holds", 1, true), reply)
reply = bind(3, event, "mutex")
assert(reply:sub(1, 1) == "F" and reply:find(("x: %#x is event here, not mutex"):format(event), 1, true), reply)
reply = bind(4, event, "bogus")
assert(reply:sub(1, 1) == "F" and reply:find("'bogus' is not a kind of handle", 1, true), reply)
reply = bind(5, event, "event")
assert(reply:sub(1, 1) == "V", "the right value and kind binds: " .. reply)

-- the parent leaves: so does the agent
parent:close()
assert(agent:wait(10000) == "signaled")
agent:close()
