# bash completion for actbench: subcommands, their options, and the names `actbench list` prints.
# Installed as share/bash-completion/completions/actbench.
_actbench() {
    local cur prev words cword
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    local cmd="${COMP_WORDS[1]}"
    local commands="run report rank index export list show inspect validate plan verify compact bench slurm status halving"
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local options=""
    case "$cmd" in
        run) options="--out --jobs --threads-per-trial --shard --no-resume --retry-failed --only-tuning --quiet --help" ;;
        report) options="--out --rows --cols --adjust --strict --help" ;;
        rank) options="--out --alpha --help" ;;
        index) options="--help" ;;
        export) options="--format --out --stage --help" ;;
        list) options="--json --names --help" ;;
        show) options="--config --range --points --plot --json --help" ;;
        inspect) options="--init --sheet --json --help" ;;
        validate) options="--help" ;;
        plan) options="--jobs --json --help" ;;
        verify) options="--trial --sample --help" ;;
        compact) options="--help" ;;
        bench) options="--model --conv1 --conv2 --dense --depth --width --stages --block --activation --batch --threads --seconds --precision --profile --json --study --targets --repeats --check --record --help" ;;
        slurm) options="--out --tasks --partition --time --cpus-per-task --max-array --retries --submit --step --help" ;;
        status) options="--config --jobs --json --help" ;;
        halving) options="--rungs --keep --json --help" ;;
    esac
    case "$prev" in
        --activation) COMPREPLY=($(compgen -W "$(actbench list activations --names 2>/dev/null)" -- "$cur")); return ;;
        --init) COMPREPLY=($(compgen -W "$(actbench list inits --names 2>/dev/null)" -- "$cur")); return ;;
        --model) COMPREPLY=($(compgen -W "$(actbench list models --names 2>/dev/null)" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "csv jsonl" -- "$cur")); return ;;
        --adjust) COMPREPLY=($(compgen -W "holm bh" -- "$cur")); return ;;
        --stage) COMPREPLY=($(compgen -W "final tuning confirm all" -- "$cur")); return ;;
        --precision) COMPREPLY=($(compgen -W "fp32 bf16" -- "$cur")); return ;;
        --block) COMPREPLY=($(compgen -W "post_activation pre_activation plain" -- "$cur")); return ;;
        --out|--plot|--sheet|--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    case "$cmd" in
        list) [[ $COMP_CWORD -eq 2 ]] && { COMPREPLY=($(compgen -W "activations inits models datasets settings" -- "$cur")); return; } ;;
        show)
            if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "activation" -- "$cur")); return; fi
            if [[ $COMP_CWORD -eq 3 ]]; then COMPREPLY=($(compgen -W "$(actbench list activations --names 2>/dev/null)" -- "$cur")); return; fi ;;
        inspect)
            if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "model dataset" -- "$cur")); return; fi
            if [[ ${COMP_WORDS[2]} == model && $COMP_CWORD -eq 3 ]]; then
                COMPREPLY=($(compgen -W "$(actbench list models --names 2>/dev/null)" -- "$cur") $(compgen -f -- "$cur")); return
            fi ;;
    esac
    COMPREPLY=($(compgen -f -- "$cur"))  # configs and run directories
}
complete -F _actbench actbench
