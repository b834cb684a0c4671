# bash completion for baogao, baogao-index and baogao-searchd  -*- shell-script -*-
#
# Installed as share/bash-completion/completions/baogao (and under the names
# of the other two programs, which bash-completion loads by command name).
# Commands, options and their values come from this file; the values of
# region: and report: (and year:) come from the index the command line names
# (--index DIR or --server URL, else $BAOGAO_SERVER, $BAOGAO_INDEX,
# ./data/index), read with `baogao reports`, when there is one.

# Prints column $1 (1 year, 2 region, 3 report id) of `baogao reports` for the
# index or server of the command line being completed, one value a line,
# without repeats or unknowns; prints nothing when no index is found.
_baogao_reports_column()
{
    local column=$1 i index='' server=${BAOGAO_SERVER-}
    local -a where=()
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --index) index=${words[i + 1]-} ;;
            --index=*) index=${words[i]#--index=} ;;
            --server) server=${words[i + 1]-} ;;
            --server=*) server=${words[i]#--server=} ;;
        esac
    done
    if [[ -n $server ]]; then
        where=(--server "$server")
    else
        [[ -n $index ]] || index=${BAOGAO_INDEX:-data/index}
        index=${index/#\~/$HOME}
        [[ -e $index ]] || return 0
        where=(--index "$index")
    fi
    local prog=${words[0]/#\~/$HOME}
    type -P -- "$prog" >/dev/null 2>&1 || prog=baogao
    local -a guard=()
    type -P timeout >/dev/null 2>&1 && guard=(timeout 3)
    "${guard[@]}" "$prog" "${where[@]}" --color never reports 2>/dev/null |
        awk -v c="$column" 'NR > 1 && $c != "-" && !seen[$c]++ { print $c }'
}

# Completes $cur when it is a filter word (year:, region:, report:, also
# negated with - and with several values after commas); returns 1 otherwise.
_baogao_filter_value()
{
    local word=$cur neg='' key column
    if [[ $word == -* ]]; then
        neg=-
        word=${word#-}
    fi
    # Keys in any case, with an ASCII or a full-width colon.
    case ${word,,} in
        year[:：]*) column=1 ;;
        region[:：]*) column=2 ;;
        report[:：]*) column=3 ;;
        *) return 1 ;;
    esac
    key=${word%%[:：]*}
    key+=${word:${#key}:1}
    local value=${word:${#key}} head=''
    if [[ $value == *[,，、]* ]]; then
        head=${value%[,，、]*}
        head=$head${value:${#head}:1}
        value=${value:${#head}}
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -P "$neg$key$head" -W "$(_baogao_reports_column $column)" -- "$value"))
    __ltrim_colon_completions "$cur"
    return 0
}

# Completes a word of a query: a filter value, else a filter key (with
# options when the word starts with -).
_baogao_query_word()
{
    local opts=$1
    _baogao_filter_value && return
    local keys="year: region: report:"
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts -year: -region: -report:" -- "$cur"))
    elif [[ -n $cur ]]; then
        COMPREPLY=($(compgen -W "$keys" -- "${cur,,}"))
    else
        COMPREPLY=($(compgen -W "$keys" -- ""))
    fi
    [[ ${COMPREPLY-} == *: ]] && compopt -o nospace
}

_baogao()
{
    local cur prev words cword
    _init_completion -n : || return

    local commands="search count kwic similar compare keywords reports stats units help"
    local globals="--index --server --json --format --bom --color --help --version"

    # The command: the first word after the global options and their values.
    local i command='' command_at=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --index | --server | --color | --format) ((i++)) ;;
            -*) ;;
            *)
                command=${words[i]}
                command_at=$i
                break
                ;;
        esac
    done

    if [[ -z $command ]]; then
        case $prev in
            --index)
                _filedir -d
                return
                ;;
            --server)
                COMPREPLY=($(compgen -W "http://127.0.0.1:8765" -- "$cur"))
                __ltrim_colon_completions "$cur"
                return
                ;;
            --color)
                COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
                return
                ;;
            --format)
                COMPREPLY=($(compgen -W "tsv csv json" -- "$cur"))
                return
                ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$globals" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local opts
    case $command in
        search)
            case $prev in
                --sort)
                    COMPREPLY=($(compgen -W "relevance year -year" -- "$cur"))
                    return
                    ;;
                --limit | --offset) return ;;
            esac
            opts="--limit --offset --all --full --sort --help"
            _baogao_query_word "$opts"
            ;;
        count)
            case $prev in
                --by)
                    COMPREPLY=($(compgen -W "year region report" -- "$cur"))
                    return
                    ;;
            esac
            _baogao_query_word "--by --help"
            ;;
        kwic)
            case $prev in
                --sort)
                    COMPREPLY=($(compgen -W "year left right" -- "$cur"))
                    return
                    ;;
                --width) return ;;
            esac
            _baogao_query_word "--width --sort --tsv --help"
            ;;
        similar)
            case $prev in
                --limit | --reports | --text) return ;;
            esac
            opts="--limit --reports --text --help"
            # The source REPORT#PARA: the first word that is not an option.
            local source=
            for ((i = command_at + 1; i < cword; i++)); do
                case ${words[i]} in
                    --limit | --reports | --text)
                        source=text
                        ((i++))
                        ;;
                    -*) ;;
                    *) source=${words[i]} ;;
                esac
            done
            if [[ -z $source && $cur != -* && $cur != *:* ]]; then
                local IFS=$'\n'
                COMPREPLY=($(compgen -S '#' -W "$(_baogao_reports_column 3)" -- "$cur"))
                compopt -o nospace
                return
            fi
            _baogao_query_word "$opts"
            ;;
        compare)
            case $prev in
                --threshold | --min-count | --phrases) return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--full --threshold --min-count --phrases --help" -- "$cur"))
            else
                local IFS=$'\n'
                COMPREPLY=($(compgen -W "$(_baogao_reports_column 3)" -- "$cur"))
            fi
            ;;
        keywords)
            case $prev in
                --limit | --min-count | --min-g2) return ;;
                --vs)
                    _baogao_query_word ""
                    return
                    ;;
            esac
            _baogao_query_word "--vs --limit --min-count --min-g2 --help"
            ;;
        reports)
            _baogao_query_word "--help"
            ;;
        stats | help)
            COMPREPLY=($(compgen -W "--help" -- "$cur"))
            ;;
        units)
            [[ $cur == -* ]] && COMPREPLY=($(compgen -W "--t2s --help" -- "$cur"))
            ;;
    esac
} &&
    complete -F _baogao baogao

_baogao_index()
{
    local cur prev words cword
    _init_completion || return

    case $prev in
        --index)
            _filedir -d
            return
            ;;
        --encoding)
            COMPREPLY=($(compgen -W "UTF-8 UTF-16 GB18030 GBK GB2312 BIG5 BIG5-HKSCS" -- "$cur"))
            return
            ;;
        --shards) return ;;
        --format)
            COMPREPLY=($(compgen -W "4 5 6" -- "$cur"))
            return
            ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--index --encoding --prune --t2s --no-t2s --compact
            --no-compact --shards --format --quiet --verbose --help --version" -- "$cur"))
        return
    fi
    _filedir
} &&
    complete -F _baogao_index baogao-index

_baogao_searchd()
{
    local cur prev words cword
    _init_completion -n : || return

    case $prev in
        --index)
            _filedir
            return
            ;;
        --listen)
            COMPREPLY=($(compgen -W "127.0.0.1:8765 0.0.0.0:8765 [::1]:8765 127.0.0.1:0" -- "$cur"))
            __ltrim_colon_completions "$cur"
            return
            ;;
        --threads | --timeout-ms | --max-query-bytes | --max-limit | --max-hits | \
            --max-connections | --max-connections-per-ip | --cache-mb)
            return
            ;;
    esac
    COMPREPLY=($(compgen -W "--index --listen --threads --quiet --timeout-ms
        --max-query-bytes --max-limit --max-hits --max-connections
        --max-connections-per-ip --cache-mb --help --version" -- "$cur"))
} &&
    complete -F _baogao_searchd baogao-searchd

# ex: filetype=sh
