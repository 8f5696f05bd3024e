#!/bin/bash
cd /tmp/s2
for i in 1 2; do
  for v in inorder head; do
    vmstat -n 5 > vm-ab-$v-$i.txt 2>&1 & vp=$!
    java -XX:+UseParallelGC -Dswarmcast.jit=c1-except-digests -jar $v.jar bench --files --executors 8 --size 4g --rate 200mbit --factory torrent --reps 1 --out /tmp/s2/ab-$v-$i > ab-$v-$i.log 2>&1
    kill $vp
    echo "$v $i $(tail -1 ab-$v-$i/results.csv | cut -d, -f7,9,15,17)" >> ab4g.txt
  done
done
