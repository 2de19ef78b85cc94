/*
 * ns3_shortconn.cc -- the short-connection workload of `make bench-peers`
 * in ns-3 (Debian libns3-dev), the simulator a user would otherwise pick.
 *
 * Two nodes joined by a point-to-point link with a constant 1 ms delay
 * (10 Gb/s, so serialisation is negligible).  The client opens RATE
 * connections per second at constant spacing for DURATION seconds; each
 * sends a REQUEST-byte request, the server answers RESPONSE bytes, and
 * the client closes first once the whole response is in (so TIME_WAIT is
 * the client's), which holds it for 2MSL = 60 s as twsim's FreeBSD
 * default does.  The same workload as bench_peers.sh gives twsim.
 *
 * Usage: ns3_shortconn [RATE [DURATION [REQUEST [RESPONSE]]]]
 * Prints the connections opened and completed.
 */
#include <cstdio>
#include <cstdlib>
#include <map>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

using namespace ns3;

namespace {

uint32_t g_request = 512, g_response = 2048;
uint64_t g_opened, g_completed;
std::map<Ptr<Socket>, uint32_t> g_got;		/* response bytes per client socket */
std::map<Ptr<Socket>, uint32_t> g_asked;	/* request bytes per server socket */
Address g_server;

void
Drain(Ptr<Socket> s, uint32_t &count)
{
	Ptr<Packet> p;

	while ((p = s->Recv()) != nullptr && p->GetSize() > 0)
		count += p->GetSize();
}

/* Server side: answer a whole request; close when the client has. */
void
ServerRecv(Ptr<Socket> s)
{
	uint32_t &n = g_asked[s];

	if (n >= g_request)
		return;
	Drain(s, n);
	if (n >= g_request)
		s->Send(Create<Packet>(g_response));
}

void
ServerPeerClose(Ptr<Socket> s)
{
	g_asked.erase(s);
	s->Close();
}

void
ServerAccept(Ptr<Socket> s, const Address &)
{
	s->SetRecvCallback(MakeCallback(&ServerRecv));
	s->SetCloseCallbacks(MakeCallback(&ServerPeerClose),
	    MakeCallback(&ServerPeerClose));
}

/* Client side: request on connect, close first once answered. */
void
ClientRecv(Ptr<Socket> s)
{
	uint32_t &n = g_got[s];

	Drain(s, n);
	if (n >= g_response) {
		g_completed++;
		g_got.erase(s);
		s->Close();
	}
}

void
ClientConnected(Ptr<Socket> s)
{
	s->Send(Create<Packet>(g_request));
}

void
ClientFailed(Ptr<Socket> s)
{
	g_got.erase(s);
}

void
Open(Ptr<Node> client)
{
	Ptr<Socket> s = Socket::CreateSocket(client,
	    TcpSocketFactory::GetTypeId());

	g_opened++;
	s->Bind();
	s->SetConnectCallback(MakeCallback(&ClientConnected),
	    MakeCallback(&ClientFailed));
	s->SetRecvCallback(MakeCallback(&ClientRecv));
	g_got[s] = 0;
	s->Connect(g_server);
}

} // namespace

int
main(int argc, char **argv)
{
	double rate = argc > 1 ? atof(argv[1]) : 200;
	double duration = argc > 2 ? atof(argv[2]) : 120;

	if (argc > 3)
		g_request = (uint32_t)atoi(argv[3]);
	if (argc > 4)
		g_response = (uint32_t)atoi(argv[4]);
	if (!(rate > 0) || !(duration > 0)) {
		fprintf(stderr, "usage: ns3_shortconn [RATE [DURATION "
		    "[REQUEST [RESPONSE]]]]\n");
		return 2;
	}

	/* MSL 30 s (2MSL = 60 s), FreeBSD's and twsim's default; ns-3's own
	 * default is 120 s. */
	Config::SetDefault("ns3::TcpSocketBase::MaxSegLifetime",
	    DoubleValue(30));

	NodeContainer nodes;
	nodes.Create(2);
	PointToPointHelper p2p;
	p2p.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
	p2p.SetChannelAttribute("Delay", StringValue("1ms"));
	NetDeviceContainer devs = p2p.Install(nodes);
	InternetStackHelper stack;
	stack.Install(nodes);
	Ipv4AddressHelper ip;
	ip.SetBase("10.0.0.0", "255.255.255.0");
	Ipv4InterfaceContainer ifs = ip.Assign(devs);

	Ptr<Socket> listener = Socket::CreateSocket(nodes.Get(1),
	    TcpSocketFactory::GetTypeId());
	listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 80));
	listener->Listen();
	listener->SetAcceptCallback(
	    MakeNullCallback<bool, Ptr<Socket>, const Address &>(),
	    MakeCallback(&ServerAccept));
	g_server = InetSocketAddress(ifs.GetAddress(1), 80);

	uint64_t n = (uint64_t)(rate * duration);
	for (uint64_t i = 0; i < n; i++)
		Simulator::Schedule(Seconds((double)i / rate), &Open,
		    nodes.Get(0));
	Simulator::Stop(Seconds(duration));
	Simulator::Run();
	Simulator::Destroy();
	printf("ns-3: %llu connections opened, %llu completed\n",
	    (unsigned long long)g_opened, (unsigned long long)g_completed);
	return 0;
}
