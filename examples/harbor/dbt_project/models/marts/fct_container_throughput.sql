select
    port_code,
    cast(moved_at as date) as move_date,
    sum(teu) as teu,
    count(*) as moves
from {{ ref('stg_container_moves') }}
group by 1, 2