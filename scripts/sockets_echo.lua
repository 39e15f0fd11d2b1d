-- Sockets: a TCP echo over loopback.
--
-- The server listens on port 0, so the system picks a free port; `info`
-- shows which. A child ipcsh connects, sends a line, and prints the echo.
--
-- Run it: ./ipcsh scripts/sockets_echo.lua
local listener = ipc.tcp_listen(0)
local port = listener:info().port
print(("listening: %s (port %d)"):format(tostring(listener), port))

local client = ipc.spawn{ipcsh = ("c = tcp-connect 127.0.0.1 %d; send $c 'ping over tcp'; recv $c --timeout 5000")
                                 :format(port)}
local conn = listener:accept{timeout = 10000}
print("accepted: " .. tostring(conn))
local line = conn:recv{timeout = 5000}
print("server got: " .. line)
conn:send(line)
assert(line == "ping over tcp")
assert(client:wait(10000) == "signaled" and client:exit_code() == 0)
-- The client closed its socket: recv returns an empty string.
assert(conn:recv{timeout = 5000} == "")
print("the client closed the connection")
