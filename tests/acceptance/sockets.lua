-- TCP sockets on loopback: port 0, a child client, send/recv both ways.
local listener = ipc.tcp_listen(0)
assert(listener.kind == "socket" and listener.inherit == false)
local port = listener:info().port
assert(port > 0 and listener:info().address == "127.0.0.1:" .. port, "port: " .. tostring(port))

local kid = ipc.spawn{ipcsh = ("c = tcp-connect 127.0.0.1 %d; send $c 'hello over tcp'; r = recv $c --timeout 5000; send $c $r")
                              :format(port)}
local conn = listener:accept{timeout = 10000}
assert(conn.kind == "socket" and conn:info().peer:match("^127%.0%.0%.1:%d+$"), tostring(conn))
assert(conn:recv{timeout = 5000} == "hello over tcp")
assert(conn:send("echo me") == 7)
assert(conn:recv{timeout = 5000} == "echo me")
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0)
assert(conn:recv{timeout = 5000} == "", "the child closed its end: recv gives an empty string")

-- in-process pair, binary data
local client = ipc.tcp_connect("127.0.0.1", port)
local server = listener:accept{timeout = 5000}
client:send("a\0b\255")
assert(server:recv{timeout = 5000} == "a\0b\255")

-- errors: nothing to accept, nothing to read, nobody listening
local ok, err = pcall(listener.accept, listener, {timeout = 50})
assert(not ok and err.name == "WSAETIMEDOUT" and err.code == 10060, tostring(err))
ok, err = pcall(server.recv, server, {timeout = 50})
assert(not ok and err.code == 10060, tostring(err))
local closed_port = ipc.tcp_listen(0)
local dead = closed_port:info().port
closed_port:close()
ok, err = pcall(ipc.tcp_connect, "127.0.0.1", dead)
assert(not ok and err.name == "WSAECONNREFUSED" and err.code == 10061 and err.api == "connect", tostring(err))
ok, err = pcall(ipc.tcp_listen, 70000)
assert(not ok and tostring(err):find("PORT", 1, true), tostring(err))
