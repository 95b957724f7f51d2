# Draws what thread_load --data wrote: requests per second and the
# server's CPU time per request, for each load (a connection per request,
# persistent connections), a group of bars per family (TCP, Unix), a bar
# per server. bench/CMakeLists.txt runs it at build time:
#   gnuplot -e "data='bench/results/ch05.dat'; output='ch05.svg'" plot.gp
# The two loads differ tenfold, so each has panels of its own.

set terminal svg size 900,640 dynamic noenhanced font "sans,12" background rgb "white"
set output output
set datafile missing "?"

# Columns: family, load, then the servers' req/s, then their CPU per request;
# the header line names them. Lines: each family's connection, then persistent.
stats data using 0 nooutput
servers = (STATS_columns - 2) / 2

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics nomirror scale 0
set ytics nomirror
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0   # room above the tallest bar
set xrange [-0.6:1.6]
set linetype 1 lc rgb "#4d4d4d"
set linetype 2 lc rgb "#2b7bba"
set linetype 3 lc rgb "#e69f00"
set linetype 4 lc rgb "#009e73"

set multiplot layout 2,2 margins 0.09,0.98,0.06,0.9 spacing 0.1,0.14 \
    title "8 clients at once; thread_load (bench/thread_load.cpp)"

set key top left
set title "A connection per request: requests/s"
set ylabel "thousands"
plot for [i=3:servers+2] data every 2 using (column(i)/1000):xtic(1) title columnheader(i)

unset key
set title "Persistent connections: requests/s"
unset ylabel
plot for [i=3:servers+2] data every 2::1 using (column(i)/1000):xtic(1) title columnheader(i)

set title "A connection per request: server CPU/request"
set ylabel "microseconds"
plot for [i=servers+3:2*servers+2] data every 2 using i:xtic(1) title columnheader(i)

set title "Persistent connections: server CPU/request"
unset ylabel
plot for [i=servers+3:2*servers+2] data every 2::1 using i:xtic(1) title columnheader(i)

unset multiplot
