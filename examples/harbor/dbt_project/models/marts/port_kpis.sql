with calls as (

    select
        port_code,
        cast(arrived_at as date) as day,
        count(*) as calls,
        avg(hours_in_port) as avg_hours_in_port,
        sum(port_dues_usd) as port_dues_usd
    from {{ ref('fct_port_calls') }}
    group by 1, 2

),

throughput as (

    select port_code, move_date as day, teu, moves
    from {{ ref('fct_container_throughput') }}

)

select
    coalesce(calls.port_code, throughput.port_code) as port_code,
    coalesce(calls.day, throughput.day) as day,
    calls.calls,
    calls.avg_hours_in_port,
    calls.port_dues_usd,
    throughput.teu,
    throughput.moves,
    throughput.teu / nullif(calls.calls, 0) as teu_per_call
from calls
full outer join throughput
    on calls.port_code = throughput.port_code
    and calls.day = throughput.day