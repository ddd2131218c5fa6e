#!/usr/bin/env bash
# Loop: another robot that answers every SMS it gets. Each of its answers quotes ours, so every one
# is new text; the reply budget must end the exchange within a few messages.
. "$(dirname "$0")/../lib/common.sh"
ROBOT=+6281900000009
lab_init
daemon_start
inject 081900000009 "Promo! Dapatkan kuota 10GB, balas YA untuk berlangganan."
answered=0
quiet_since=$SECONDS
while [ $((SECONDS - quiet_since)) -lt 6 ] && [ "$answered" -lt 50 ]; do
    sent=$(q "SELECT count(*) FROM outbox WHERE destination = '$ROBOT' AND status = 'sent'")
    if [ "$sent" -gt "$answered" ]; then
        # The robot answers each of our replies as it arrives.
        reply=$(q "SELECT text FROM outbox WHERE destination = '$ROBOT' AND status = 'sent'
                   ORDER BY id LIMIT 1 OFFSET $answered")
        inject 081900000009 "Balasan otomatis: pesan Anda \"${reply:0:60}\" sudah kami terima."
        answered=$((answered + 1))
        quiet_since=$SECONDS
    fi
    sleep 0.2
done
messages=$(q "SELECT count(*) FROM sms_in WHERE sender = '$ROBOT'")
replies=$(q "SELECT count(*) FROM outbox WHERE destination = '$ROBOT'")
say "the exchange stopped after $messages messages from the robot and $replies replies to it"
check "the replies stopped at the budget" "$replies" 5
check "the robot's messages are all stored" "$messages" 6
check "no database statement failed" "$(db_errors_logged)" 0
daemon_stop
finish
