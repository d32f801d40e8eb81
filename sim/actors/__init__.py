"""The actors, one module each.  ``ACTORS`` fixes their order; ``STATES`` are those with a relation to Kabul."""

from sim.actors.central_asia import Tajikistan, Uzbekistan
from sim.actors.china import China
from sim.actors.foreign_militants import ForeignMilitants
from sim.actors.gulf_turkey import UAE, Qatar, Turkey
from sim.actors.india import India
from sim.actors.international import International
from sim.actors.iran import Iran
from sim.actors.iskp import ISKP
from sim.actors.pakistan import Pakistan
from sim.actors.population import Population
from sim.actors.resistance import Resistance
from sim.actors.russia import Russia
from sim.actors.states import StateActor
from sim.actors.taliban import Taliban
from sim.actors.ttp import TTP
from sim.actors.united_states import UnitedStates

ACTORS = (
    Taliban,
    Pakistan,
    Russia,
    UnitedStates,
    China,
    Iran,
    India,
    Uzbekistan,
    Tajikistan,
    Qatar,
    UAE,
    Turkey,
    International,
    TTP,
    ISKP,
    ForeignMilitants,
    Resistance,
    Population,
)
STATES = tuple(a.key for a in ACTORS if issubclass(a, StateActor))
ACTOR_KEYS = tuple(a.key for a in ACTORS)
