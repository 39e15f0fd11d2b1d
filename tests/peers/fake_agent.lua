-- A fake ipcsh agent over TCP, for the suite: it says what `ipcsh
-- --agent-listen 0` says at start (port and token), takes the parent's
-- hello with the token, answers with its own, and then answers each run
-- request by its text:
--   echo TEXT       as an agent would: the string TEXT
--   FAULT           the bytes of wire.faults[FAULT] or wire.odd[FAULT]
--   hang-up         closes the connection
--   half-hang-up    half a frame, then closes the connection
--   stall           nothing at all (the parent's --timeout ends it)
--   wrong-id        an answer to a request never made, then nothing
--   exit N          the process ends with code N, mid-request
--   flood-exit      output lines, and the process ends in the middle
-- Connections are served one after another until `exit`. With a PID it
-- says it is that process on this computer (a lie), and answers the
-- parent's request to show it (a `prove` frame) with the wrong bytes.
-- usage: ipcsh tests/peers/fake_agent.lua [PID]
local wire = dofile("tests/peers/wire.lua")
local listener = ipc.tcp_listen(0)
local token = string.rep("5a", 16)  -- a test peer: no secret to keep
io.write(("fake agent pid %d listening on 127.0.0.1:%d token %s\n"):format(ipc.self().pid, listener:info().port, token))
io.stdout:flush()

local function serve(peer)
  local next_frame = wire.reader(function()
    local ok, got = pcall(peer.recv, peer, {timeout = 60000})
    return ok and got or nil
  end)
  local hello = next_frame()
  if not hello or hello ~= "H" .. wire.str(token) then return end
  local claim = tonumber(arg[1])
  peer:send(wire.frame("H" .. wire.le32(claim or ipc.self().pid) ..
                       wire.str(claim and os.getenv("COMPUTERNAME") or "FAKE")))
  while true do
    local body = next_frame()
    if not body then return end
    if body:sub(1, 1) == "P" then
      peer:send(wire.values(string.unpack("<I4", body, 2), {string.char(5) .. wire.str(string.rep("0", 32))}))
    elseif body:sub(1, 1) == "R" then
      local id, at = string.unpack("<I4", body, 2)
      local text = string.unpack("<s4", body, at)
      local fault = wire.faults[text] and wire.faults[text][1] or wire.odd[text]
      if text:match("^echo ") then
        peer:send(wire.values(id, {wire.value.string(text:sub(6))}))
      elseif fault then
        peer:send(fault(id))
      elseif text == "hang-up" then
        return
      elseif text == "half-hang-up" then
        local f = wire.values(id, {wire.value.string("cut")})
        peer:send(f:sub(1, #f // 2))
        return
      elseif text == "wrong-id" then
        peer:send(wire.values(id + 1000, {wire.value.string("not yours")}))
      elseif text:match("^exit ") then
        os.exit(tonumber(text:sub(6)))
      elseif text == "flood-exit" then
        for i = 1, 200 do peer:send(wire.frame("O" .. wire.le32(1) .. wire.str(("line %d\n"):format(i)))) end
        peer:send(wire.frame("O" .. wire.le32(1) .. wire.str("half a li")))
        os.exit(9)
      end
      -- stall, and anything else: no answer
    end
  end
end

while true do
  local peer = listener:accept{timeout = 60000}
  serve(peer)
  peer:close()
end
