# Draws what thread_load --data wrote when its loads name their clients
# (--load=connection:1,connection:8,persistent:8): a row of two panels per
# load, requests per second and the server's CPU time per request; in each
# a group of bars per line label (a family, TCP and Unix, or a model,
# TCPServer, ThreadingTCPServer, ForkingTCPServer), a bar per server.
# bench/CMakeLists.txt runs it at build time for ch06.dat and models.dat:
#   gnuplot -e "data='bench/results/ch06.dat'; output='ch06.svg'" loads.gp
# The loads differ tenfold and more, so each has panels of its own.

set datafile columnheaders
set datafile missing "?"

# Columns: label, load, then the servers' req/s, then their CPU per
# request; the header line names them. The lines: each label's loads, in
# the same order.
stats data using 0 nooutput
servers = (STATS_columns - 2) / 2
rows = STATS_records
first_label = ""
stats data every ::0::0 using (first_label = strcol(1), 0) nooutput
loads = 0
stats data using (loads = loads + (strcol(1) eq first_label ? 1 : 0), 0) nooutput

# "connection:8" -> "A connection per request, 8 clients"
load_name = ""
clients(name) = strstrt(name, ":") == 0 ? "" : \
    sprintf(", %s client%s", name[strstrt(name, ":") + 1:], \
            name[strstrt(name, ":") + 1:] eq "1" ? "" : "s")
describe(name) = (name[1:10] eq "connection" ? "A connection per request" : \
                  "Persistent connections") . clients(name)

# The key sits under the title, two servers to a row (a panel's width).
key_rows = (servers + 1) / 2
header = 70 + 20 * key_rows
height = 290 * loads + 40 + header
set terminal svg size 900,height dynamic noenhanced font "sans,12" background rgb "white"
set output output

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics nomirror scale 0 font ",10"   # "ThreadingTCPServer" fits its group
set ytics nomirror
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0   # room above the tallest bar
set xrange [-0.6:(rows / loads) - 0.4]
set linetype 1 lc rgb "#4d4d4d"
set linetype 2 lc rgb "#2b7bba"
set linetype 3 lc rgb "#56b4e9"
set linetype 4 lc rgb "#e69f00"
set linetype 5 lc rgb "#009e73"
# C grey, the demo blue, CPython orange, whatever comes between them
# (the demo carrying 100 MiB) light blue.
if (servers == 3) { set linetype 3 lc rgb "#e69f00" }

set multiplot layout loads,2 margins 0.09,0.98,(40.0 / height),(1.0 - 1.0 * header / height) \
    spacing 0.1,(70.0 / height) \
    title "Requests per second and server CPU per request; thread_load (bench/thread_load.cpp)"

do for [k=0:loads-1] {
    stats data every ::k::k using (load_name = strcol(2), 0) nooutput
    # One key for the whole figure, under its title, clear of the bars.
    if (k == 0) {
        set key at screen 0.5, screen (1 - 35.0 / height) center top horizontal samplen 1.5
    } else {
        unset key
    }
    set title describe(load_name) . ": requests/s"
    set ylabel "thousands"
    plot for [i=3:servers+2] data every loads::k using (column(i)/1000):xtic(1) \
        title columnheader(i)
    unset key
    set title describe(load_name) . ": server CPU/request"
    set ylabel "microseconds"
    plot for [i=servers+3:2*servers+2] data every loads::k using i:xtic(1) \
        title columnheader(i)
}

unset multiplot
