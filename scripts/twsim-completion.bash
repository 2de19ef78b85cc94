# bash completion for twsim -- `make install` puts it in
# $(datadir)/bash-completion/completions/twsim; to try it from the source
# tree: source scripts/twsim-completion.bash
#
# Commands and options follow `twsim help COMMAND`; scenario keys for
# --set come from `twsim params` itself, so they never go stale.

_twsim()
{
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="run check params report query plot export help"

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}

	# Values of options.
	case "$prev" in
	-o|--output)
		case "$cmd" in
		plot) COMPREPLY=($(compgen -f -X '!*.@(png|svg)' -- "$cur")) ;;
		export) COMPREPLY=($(compgen -f -X '!*.@(csv|json)' -- "$cur")) ;;
		*) COMPREPLY=($(compgen -f -X '!*.db' -- "$cur")) ;;
		esac
		compopt -o plusdirs 2>/dev/null
		return 0 ;;
	--pcap)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	-S|--set)
		local keys
		keys=$(twsim params 2>/dev/null | awk 'NR > 1 {
			if ($1 == "[run]") print "run." $2
			else if ($1 == "[host") print "host.NAME." $3
			else if ($1 == "[path") print "path.A.B." $4
			else if ($1 == "[workload") print "workload.NAME." $3 }')
		COMPREPLY=($(compgen -W "$keys" -- "$cur"))
		return 0 ;;
	-s|--seed|-j|--jobs|--trace|--pcap-filter|--pcap-snaplen|--run|--scenario|--host|--by)
		return 0 ;;
	esac

	case "$cmd" in
	help)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return 0 ;;
	run)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-o --output -s --seed -S --set -j
			    --jobs --pcap --pcap-filter --pcap-snaplen --trace -q
			    --quiet -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur"))
			compopt -o plusdirs 2>/dev/null
		fi ;;
	check)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--set --seed --keys -h --help" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur"))
			compopt -o plusdirs 2>/dev/null
		fi ;;
	params)
		COMPREPLY=($(compgen -W "--markdown --man -h --help" -- "$cur")) ;;
	report)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--run --scenario --csv --json -h
			    --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -X '!*.db' -- "$cur"))
			compopt -o plusdirs 2>/dev/null
		fi ;;
	query)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--csv --json --list -h --help" \
			    -- "$cur"))
		elif [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -f -X '!*.db' -- "$cur"))
			compopt -o plusdirs 2>/dev/null
		else
			COMPREPLY=($(compgen -W "$(twsim query --list 2>/dev/null |
			    awk 'NR > 1 { print $1 }')" -- "$cur"))
		fi ;;
	plot)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-o --output --run --scenario --host
			    --by -h --help" -- "$cur"))
		elif [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -f -X '!*.db' -- "$cur"))
			compopt -o plusdirs 2>/dev/null
		else
			COMPREPLY=($(compgen -W "tw_count tw_cap ports_in_use
			    established conn_attempted conn_established
			    conn_failed_addrnotavail tw_entered tw_expired
			    tw_recycled tw_reopened hazards" -- "$cur"))
		fi ;;
	export)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-o --output --csv --json -h --help" \
			    -- "$cur"))
		elif [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -f -X '!*.db' -- "$cur"))
			compopt -o plusdirs 2>/dev/null
		else
			COMPREPLY=($(compgen -W "runs params samples connections
			    host_stats run_summary" -- "$cur"))
		fi ;;
	esac
	return 0
}
complete -F _twsim twsim
