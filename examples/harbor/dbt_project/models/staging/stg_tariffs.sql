select
    upper(port_code) as port_code,
    size_band,
    cast(valid_from as date) as valid_from,
    dues_per_gt_usd
from {{ source('raw', 'tariffs') }}